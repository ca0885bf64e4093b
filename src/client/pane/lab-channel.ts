/**
 * One lab's pane on the shared connection: what the server says goes into the terminal and the badge,
 * what the person types goes out if this page has the writer role. Output is acked once written into
 * xterm.js (its write callback), in ACK_SIZE steps, so a pane that cannot keep up pauses the shell.
 * Without a lab server the pane replays the recording of the demo shown instead, until the person
 * chooses to go live once a server answers.
 */
import { ACK_SIZE } from '../../protocol/limits.ts';
import type { ServerMessage } from '../../protocol/messages.ts';
import type { ConnectionState, LabConnection } from '../connection.ts';
import { LabReplay } from '../replay/lab-replay.ts';
import { LabPane } from './lab-pane.ts';
import { badge, canRun, initialModel, isReadOnly, isWriter, reduce, type PaneEvent, type PaneModel } from './pane-state.ts';
import { RunNoticeView } from './run-notice.ts';

/** An audience page that arrived before the presenter's session asks again this often. */
const WAIT_FOR_SESSION_MS = 2000;

export class LabChannel {
  readonly pane: LabPane;
  /** Told when this page gains or loses the right to run commands. */
  onRoleChange: (() => void) | undefined;
  private model: PaneModel;
  /** Whether the pane was last made read-only (undefined: not yet told). */
  private shownReadOnly: boolean | undefined;
  private readonly notice: RunNoticeView;
  private channel: number | undefined;
  private unacked = 0;
  private replay: LabReplay | undefined;
  private waitTimer: ReturnType<typeof setTimeout> | undefined;
  /** The recording of the demo on screen, relative to the deck. */
  private recording: string | undefined;

  constructor(
    readonly lab: string,
    title: string,
    private readonly connection: LabConnection,
    /** 'view' in remark's cloned window: the projector shows what the presenter's page types. */
    private readonly mode: 'write' | 'view',
  ) {
    this.model = initialModel(mode);
    this.pane = new LabPane({
      lab,
      title,
      onInput: (data) => this.typed(data),
      onResize: (cols, rows) => this.resized(cols, rows),
      onReset: () => this.reset(),
    });
    this.notice = new RunNoticeView({ force: (commandId) => this.run(commandId, true), dismiss: () => this.dispatch({ type: 'dismiss' }) });
    this.pane.element.querySelector('.lab-pane-message')?.after(this.notice.element);
    connection.onState((state) => this.connectionChanged(state));
  }

  get replaying(): boolean {
    return this.model.replaying;
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
    this.channel = this.connection.open({
      lab: this.lab,
      mode: this.mode,
      size: () => ({ cols: this.pane.terminal.cols, rows: this.pane.terminal.rows }),
      message: (message) => this.received(message),
      output: (data) => this.write(data),
    });
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
    this.pane.terminal.write(data, () => {
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
        if (message.code === 'SESSION_NOT_FOUND') this.waitForSession();
        break;
      default:
        break;
    }
  }

  /** The presenter has not opened this lab yet: ask again until it has (or the page went elsewhere). */
  private waitForSession(): void {
    clearTimeout(this.waitTimer);
    this.waitTimer = setTimeout(() => {
      if (!this.model.attached && !this.replay && this.model.connection === 'live') this.reattach();
    }, WAIT_FOR_SESSION_MS);
  }

  /** Asks for the session again on the same channel (the server released it). */
  private reattach(): void {
    const channel = this.channel;
    if (channel === undefined) return;
    const { cols, rows } = this.pane.terminal;
    this.connection.send({ type: 'attach', channel, lab: this.lab, cols, rows, mode: this.mode });
  }

  private connectionChanged(state: ConnectionState): void {
    this.dispatch({ type: 'connection', state });
    if (state === 'offline') this.startReplay();
    this.replay?.offerLive(state === 'live');
  }

  private startReplay(): void {
    if (this.replay) return;
    // A connection that comes back must not stream the live session into the recording.
    if (this.channel !== undefined) this.connection.close(this.channel);
    this.channel = undefined;
    this.dispatch({ type: 'replay' });
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
    this.notice.render(after.notice);
    if (canRun(after) !== canRun(before) || after.role !== before.role || after.connection !== before.connection) this.onRoleChange?.();
  }
}
