/**
 * One lab's pane on the shared connection: what the server says goes into the terminal and the badge,
 * what the person types goes out if this page has the writer role. Output is acked once written into
 * xterm.js (its write callback), in ACK_SIZE steps, so a pane that cannot keep up pauses the shell.
 * Without a lab server the pane replays the recording of the demo shown instead, until the person
 * chooses to go live once a server answers.
 *
 * In a hands-on class a student's pane goes to their own room or to the presenter's (`room`, asked at each
 * attach; retarget() moves it); their own lab may still be in the making (LAB_PREPARING: asked again until
 * it is there) or impossible to make (the recording is replayed instead, and the pane says why).
 */
import { Disposable, disposableTimeout, MutableDisposable } from '../../protocol/lifecycle.ts';
import { ACK_SIZE } from '../../protocol/limits.ts';
import type { CheckResult, ServerMessage } from '../../protocol/messages.ts';
import { attachMessage, type ChannelHandler, type ConnectionState, type LabConnection } from '../connection.ts';
import { LabReplay } from '../replay/lab-replay.ts';
import { LabPane } from './lab-pane.ts';
import {
  badge,
  canRun,
  errorText,
  initialModel,
  isReadOnly,
  isWriter,
  readiness,
  reduce,
  replaysInstead,
  type LabReadiness,
  type PaneEvent,
  type PaneModel,
} from './pane-state.ts';
import { FramePacer } from './frame-pacer.ts';
import { RunNoticeView } from './run-notice.ts';

/**
 * An audience page that arrived before the presenter's session asks again this often; so does a student
 * whose own lab is being prepared (their cloud project takes some 10-15 s).
 */
const WAIT_FOR_SESSION_MS = 2000;

export interface LabChannelOptions {
  /** The room to attach to, asked at each attach (undefined: the page's own room). */
  readonly room?: () => string | undefined;
  /** A pane that can be closed (the presenter's view of a student's terminal). */
  readonly onClose?: () => void;
}

export class LabChannel extends Disposable {
  readonly pane: LabPane;
  /** Told when this page gains or loses the right to run commands. */
  onRoleChange: (() => void) | undefined;
  /** Told of every `verified` answer and of errors while a « Vérifier » is pending (exercise slides). */
  onVerify:
    | ((
        event: { readonly exercise: string } & (
          { readonly results: readonly CheckResult[] } | { readonly message: string; readonly hint?: string }
        ),
      ) => void)
    | undefined;
  /** Told when « Vérifier » becomes possible here or stops being (readiness in pane-state.ts). */
  onReadiness: ((readiness: LabReadiness) => void) | undefined;
  /** The exercise whose checks were asked for last, until its answer (or an error) came. */
  private verifying: string | undefined;
  private model: PaneModel;
  /** Whether the pane was last made read-only (undefined: not yet told). */
  private shownReadOnly: boolean | undefined;
  private readonly notice: RunNoticeView;
  /** The session's output goes to the terminal through it: one frame per PACE_MS during a flood. */
  private readonly output: FramePacer;
  private channel: number | undefined;
  private unacked = 0;
  private replay: LabReplay | undefined;
  /** The next ask for a session that was not there yet (waitForSession). */
  private readonly waitTimer = this.register(new MutableDisposable());
  /** The recording of the demo on screen, relative to the deck. */
  private recording: string | undefined;
  private readonly room: () => string | undefined;

  constructor(
    readonly lab: string,
    title: string,
    private readonly connection: LabConnection,
    /** 'view' in remark's cloned window: the projector shows what the presenter's page types. */
    private readonly mode: 'write' | 'view',
    options: LabChannelOptions = {},
  ) {
    super();
    this.model = initialModel(mode);
    this.room = options.room ?? (() => undefined);
    this.pane = new LabPane({
      lab,
      title,
      onInput: (data) => this.typed(data),
      onResize: (cols, rows) => this.resized(cols, rows),
      onReset: () => this.reset(),
      ...(options.onClose ? { onClose: options.onClose } : {}),
    });
    this.output = this.register(new FramePacer(this.pane.terminal));
    this.notice = new RunNoticeView({
      force: (commandId) => this.run(commandId, true),
      dismiss: () => this.dispatch({ type: 'dismiss' }),
    });
    this.pane.element.querySelector('.lab-pane-message')?.after(this.notice.element);
    this.register(connection.onState((state) => this.connectionChanged(state)));
  }

  get replaying(): boolean {
    return this.model.replaying;
  }

  get readiness(): LabReadiness {
    return readiness(this.model);
  }

  /** The pane is on a demo slide whose recording is `recording`: replayed there while there is no server. */
  showDemo(recording: string | undefined): void {
    this.recording = recording;
    if (this.replay) void this.replay.show(recording);
    else this.open();
  }

  /** Attaches (once) when the pane is first shown; it then stays attached in the background. */
  open(): void {
    if (this.channel !== undefined || this.replay) return;
    this.channel = this.connection.open(this.handler());
  }

  /**
   * The room may have changed (a student chose their own lab, or the presenter's): leaves the session
   * shown and attaches where `room` now says. A pane replaying because the student's lab could not be
   * made goes live again; one replaying for want of a server stays as it is.
   */
  retarget(): void {
    if (this.replay) {
      if (this.model.replayReason !== undefined && this.model.connection === 'live') this.goLive();
      return;
    }
    if (this.channel === undefined) return;
    this.connection.close(this.channel);
    this.channel = undefined;
    this.waitTimer.clear();
    this.dispatch({ type: 'retarget' });
    this.pane.terminal.reset();
    this.open();
  }

  /** Leaves the session and removes the pane (the presenter closed their view of a student's terminal). */
  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    if (this.channel !== undefined) this.connection.close(this.channel);
    this.channel = undefined;
    this.replay?.dispose();
    this.replay = undefined;
    this.pane.dispose();
  }

  private handler(): ChannelHandler {
    return {
      lab: this.lab,
      target: () => {
        const room = this.room();
        return room === undefined ? { mode: this.mode } : { mode: this.mode, room };
      },
      size: () => ({ cols: this.pane.terminal.cols, rows: this.pane.terminal.rows }),
      message: (message) => this.received(message),
      output: (data) => this.write(data),
    };
  }

  /** A student's own lab (not the presenter's, not someone else's): the one that may be in the making. */
  private get ownLab(): boolean {
    return this.connection.role === 'student' && this.room() === undefined;
  }

  get isWriter(): boolean {
    return isWriter(this.model);
  }

  /** Run controls are shown only where a click would run: the writer (not the projector's clone), or a replay. */
  get canRun(): boolean {
    return canRun(this.model);
  }

  /**
   * Types the lab's command `commandId` (the server looks up its text), or plays its recorded step. With
   * `force`, the server types it even though a program holds the terminal (the person saw why not, and insisted).
   */
  run(commandId: string, force = false): boolean {
    if (this.replay) return this.replay.playStep(commandId);
    this.open();
    if (this.channel === undefined || !this.isWriter) return false;
    this.dispatch({ type: 'run', commandId });
    return this.connection.send({ type: 'run', channel: this.channel, commandId, ...(force ? { force } : {}) });
  }

  /** « Vérifier »: the server runs exercise `exercise`'s checks in this pane's session (writer only). */
  verify(exercise: string): boolean {
    if (this.replay || this.channel === undefined || readiness(this.model) !== 'ready') return false;
    this.verifying = exercise;
    return this.connection.send({ type: 'verify', channel: this.channel, exercise });
  }

  private typed(data: string): void {
    if (this.channel === undefined || !this.isWriter) return;
    this.connection.send({ type: 'input', channel: this.channel, data });
  }

  private resized(cols: number, rows: number): void {
    if (this.channel === undefined || !this.isWriter) return;
    this.connection.send({ type: 'resize', channel: this.channel, cols, rows });
  }

  private reset(): void {
    if (this.channel === undefined || !this.isWriter) return;
    const attached = this.model.attached;
    this.dispatch({ type: 'reset' });
    if (attached) this.connection.send({ type: 'reset', channel: this.channel });
    else this.reattach();
  }

  private write(data: Uint8Array): void {
    const length = data.length;
    // xterm keeps the bytes until parsed: the frame's buffer is not reused, so no copy is needed.
    this.output.write(data, () => {
      this.unacked += length;
      if (this.unacked >= ACK_SIZE && this.channel !== undefined) {
        this.connection.send({ type: 'ack', channel: this.channel, bytes: this.unacked });
        this.unacked = 0;
      }
    });
  }

  /** The model first (what the pane shows), then the terminal's own I/O for the message. */
  private received(message: ServerMessage): void {
    this.dispatch({ type: 'server', message });
    if (message.type === 'verified' || (message.type === 'error' && this.verifying !== undefined)) {
      const exercise = message.type === 'verified' ? message.exercise : (this.verifying ?? '');
      this.verifying = undefined;
      this.onVerify?.(
        message.type === 'verified'
          ? { exercise, results: message.results }
          : { exercise, message: message.message, ...(message.hint === undefined ? {} : { hint: message.hint }) },
      );
    }
    const terminal = this.pane.terminal;
    const viewer = this.model.role === 'viewer';
    switch (message.type) {
      case 'attached':
        if (viewer) this.pane.followSize(message.cols, message.rows);
        else this.resized(terminal.cols, terminal.rows);
        break;
      case 'snapshot':
        this.unacked = 0;
        terminal.reset();
        if (viewer) this.pane.followSize(message.cols, message.rows);
        terminal.write(message.data);
        break;
      case 'resized':
        if (viewer) this.pane.followSize(message.cols, message.rows);
        break;
      case 'detached':
        if (message.reason === 'slow' || message.reason === 'ended') this.reattach();
        break;
      case 'error':
        if (message.code === 'SESSION_NOT_FOUND' || message.code === 'LAB_PREPARING') this.waitForSession();
        else if (this.ownLab && replaysInstead(message)) this.startReplay(errorText(message));
        break;
      default:
        break;
    }
  }

  /** The presenter has not opened this lab yet: ask again until it has (or the page went elsewhere). */
  private waitForSession(): void {
    this.waitTimer.value = disposableTimeout(WAIT_FOR_SESSION_MS, () => {
      if (!this.model.attached && !this.replay && this.model.connection === 'live') this.reattach();
    });
  }

  /** Asks for the session again on the same channel (the server released it). */
  private reattach(): void {
    const channel = this.channel;
    if (channel === undefined) return;
    this.connection.send(attachMessage(channel, this.handler()));
  }

  private connectionChanged(state: ConnectionState): void {
    this.dispatch({ type: 'connection', state });
    if (state === 'offline') this.startReplay();
    this.replay?.offerLive(state === 'live');
  }

  /** Replays the recordings instead of the live lab: no server, or (`reason`) the student's lab cannot be made. */
  private startReplay(reason?: string): void {
    this.dispatch(reason === undefined ? { type: 'replay' } : { type: 'replay', reason });
    if (this.replay) return;
    // A connection that comes back must not stream the live session into the recording.
    if (this.channel !== undefined) this.connection.close(this.channel);
    this.channel = undefined;
    this.replay = new LabReplay(this.pane, () => this.goLive());
    void this.replay.show(this.recording);
  }

  /** Leaves the recording for the live session (the server's snapshot then fills the terminal). */
  private goLive(): void {
    this.replay?.dispose();
    this.replay = undefined;
    this.pane.terminal.reset();
    this.dispatch({ type: 'go-live' });
    this.open();
  }

  /** The one way the pane's state changes: reduce, then show what changed. */
  private dispatch(event: PaneEvent): void {
    const before = this.model;
    const after = reduce(before, event);
    if (after === before) return;
    this.model = after;
    if (after.message !== before.message) this.pane.showMessage(after.message);
    const readOnly = isReadOnly(after);
    if (readOnly !== this.shownReadOnly || after.role !== before.role) this.pane.setReadOnly(readOnly);
    this.shownReadOnly = readOnly;
    if (badge(after) !== badge(before)) this.pane.setState(badge(after));
    if (after.watched !== before.watched) this.pane.setWatched(after.watched);
    if (after.replayReason !== before.replayReason)
      this.pane.setNote(after.replayReason && `Rejeu de la démonstration : ${after.replayReason}`);
    this.notice.render(after.notice);
    if (canRun(after) !== canRun(before) || after.role !== before.role || after.connection !== before.connection)
      this.onRoleChange?.();
    if (readiness(after) !== readiness(before)) this.onReadiness?.(readiness(after));
  }
}
