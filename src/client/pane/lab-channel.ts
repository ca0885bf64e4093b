/**
 * One lab's pane on the shared connection: what the server says goes into the terminal and the badge,
 * what the person types goes out if this page has the writer role. Output is acked once written into
 * xterm.js (its write callback), in ACK_SIZE steps, so a pane that cannot keep up pauses the shell.
 * Without a lab server the pane replays the recording of the demo shown instead, until the person
 * chooses to go live once a server answers.
 */
import { ACK_SIZE } from '../../protocol/limits.ts';
import type { ServerMessage, SessionRole } from '../../protocol/messages.ts';
import type { ConnectionState, LabConnection } from '../connection.ts';
import { LabReplay } from '../replay/lab-replay.ts';
import { LabPane, type PaneState } from './lab-pane.ts';

/** An audience page that arrived before the presenter's session asks again this often. */
const WAIT_FOR_SESSION_MS = 2000;

const DETACH_TEXT: Record<string, string> = {
  slow: 'Ce terminal a pris trop de retard : reconnexion…',
  idle: 'Session du lab fermée après une longue inactivité. Cliquez « Redémarrer » pour un nouveau shell.',
  ended: 'Session du lab terminée.',
  shutdown: 'Le serveur de labs s’arrête.',
};

export class LabChannel {
  readonly pane: LabPane;
  /** Told when this page gains or loses the right to run commands. */
  onRoleChange: (() => void) | undefined;
  private channel: number | undefined;
  private role: SessionRole | undefined;
  private unacked = 0;
  private attached = false;
  private connectionState: ConnectionState = 'connecting';
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
    this.pane = new LabPane({
      lab,
      title,
      onInput: (data) => this.typed(data),
      onResize: (cols, rows) => this.resized(cols, rows),
      onReset: () => this.reset(),
    });
    connection.onState((state) => this.connectionChanged(state));
  }

  get replaying(): boolean {
    return this.replay !== undefined;
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
    return this.role === 'writer' && this.connectionState === 'live';
  }

  /** Run controls are shown only where a click would run: the writer (not the projector's clone), or a replay. */
  get canRun(): boolean {
    return this.replaying || (this.mode === 'write' && this.isWriter);
  }

  /** Types the lab's command `commandId` (the server looks up its text), or plays its recorded step. */
  run(commandId: string): boolean {
    if (this.replay) return this.replay.playStep(commandId);
    this.open();
    if (this.channel === undefined || !this.isWriter) return false;
    return this.connection.send({ type: 'run', channel: this.channel, commandId });
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
    this.pane.showMessage(undefined);
    if (this.attached) this.connection.send({ type: 'reset', channel: this.channel });
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

  private received(message: ServerMessage): void {
    const terminal = this.pane.terminal;
    switch (message.type) {
      case 'attached':
        this.attached = true;
        this.setRole(message.role);
        this.pane.showMessage(undefined);
        if (message.role === 'viewer') this.pane.followSize(message.cols, message.rows);
        else this.resized(terminal.cols, terminal.rows);
        break;
      case 'snapshot':
        this.unacked = 0;
        terminal.reset();
        if (this.role === 'viewer') this.pane.followSize(message.cols, message.rows);
        terminal.write(message.data);
        break;
      case 'resized':
        if (this.role === 'viewer') this.pane.followSize(message.cols, message.rows);
        break;
      case 'role':
        this.setRole(message.role);
        break;
      case 'status':
        if (message.state === 'restarting') this.pane.showMessage('Redémarrage du lab…');
        if (message.state === 'running') this.pane.showMessage(undefined);
        break;
      case 'exit':
        this.pane.showMessage(`Le shell du lab s’est terminé (code ${message.code}).${this.role === 'writer' ? ' « Redémarrer » en ouvre un neuf.' : ''}`);
        break;
      case 'detached':
        this.attached = false;
        this.pane.showMessage(DETACH_TEXT[message.reason] ?? 'Détaché du lab.');
        if (message.reason === 'slow' || message.reason === 'ended') this.reattach();
        break;
      case 'error':
        this.pane.showMessage(message.hint ? `${message.message}\n${message.hint}` : message.message);
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
      if (!this.attached && !this.replay && this.connectionState === 'live') this.reattach();
    }, WAIT_FOR_SESSION_MS);
  }

  /** Asks for the session again on the same channel (the server released it). */
  private reattach(): void {
    const channel = this.channel;
    if (channel === undefined) return;
    const { cols, rows } = this.pane.terminal;
    this.connection.send({ type: 'attach', channel, lab: this.lab, cols, rows, mode: this.mode });
  }

  private setRole(role: SessionRole): void {
    this.role = role;
    this.pane.setReadOnly(role !== 'writer');
    this.updateBadge();
    this.onRoleChange?.();
  }

  private connectionChanged(state: ConnectionState): void {
    this.connectionState = state;
    if (state !== 'live') this.attached = false;
    if (state === 'unauthorized') {
      this.pane.showMessage('Terminal non connecté : ouvrez l’adresse complète (avec ?token=…) affichée par « npm start ».');
    } else if (state === 'offline') {
      this.startReplay();
    } else if (state === 'live' && this.role === undefined && !this.replay) {
      this.pane.showMessage(undefined);
    }
    this.replay?.offerLive(state === 'live');
    this.updateBadge();
    this.onRoleChange?.();
  }

  private startReplay(): void {
    if (this.replay) return;
    // A connection that comes back must not stream the live session into the recording.
    if (this.channel !== undefined) this.connection.close(this.channel);
    this.channel = undefined;
    this.attached = false;
    this.role = undefined;
    this.pane.setReadOnly(true);
    this.replay = new LabReplay(this.pane, () => this.goLive());
    void this.replay.show(this.recording);
  }

  /** Leaves the recording for the live session (the server's snapshot then fills the terminal). */
  private goLive(): void {
    this.replay?.dispose();
    this.replay = undefined;
    this.pane.terminal.reset();
    this.pane.setReadOnly(this.role !== 'writer');
    this.updateBadge();
    this.open();
    this.onRoleChange?.();
  }

  private updateBadge(): void {
    if (this.replay) return this.pane.setState('replay');
    const state: PaneState =
      this.connectionState === 'live'
        ? this.role === 'viewer'
          ? 'viewer'
          : 'live'
        : this.connectionState === 'unauthorized'
          ? 'offline'
          : this.connectionState;
    this.pane.setState(state);
  }
}
