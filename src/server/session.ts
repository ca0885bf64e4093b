/**
 * One lab session, per (room, lab): a long-lived shell in a pty (commands are typed into it), the screen
 * it draws (for snapshots), and the pages attached to it: one writer at most, any number of viewers.
 * Owns all of it; end() detaches the pages, dispose() frees the rest, and `closed` settles once every
 * process of the shell is gone and its working directory removed.
 */
import { join } from 'node:path';
import { errorValue } from '../protocol/errors.ts';
import { DATA_FLUSH_MS, START_FAILURE_WINDOW_MS } from '../protocol/limits.ts';
import type { DetachReason, SessionRole } from '../protocol/messages.ts';
import { Attachment, type Peer } from './attachment.ts';
import type { ResolvedConfig } from './config.ts';
import { buildLabEnv } from './env.ts';
import type { LabDefinition } from './labs.ts';
import { IdleTimer } from './idle-timer.ts';
import { Disposable, disposableTimeout, toDisposable, type IDisposable } from './lifecycle.ts';
import { labShellArgv, SETUP_FAILED_EXIT } from './lab-shell.ts';
import { FrameCache } from './outbox.ts';
import { PromptTracker } from './prompt-tracker.ts';
import { PtyHost, type PtyExit } from './pty-host.ts';
import type { SessionRecorder } from './recorder.ts';
import { runRefusal } from './run-gate.ts';
import type { Sandbox } from './sandbox.ts';
import { Screen } from './screen.ts';

export interface SessionOptions {
  readonly lab: LabDefinition;
  readonly room: string;
  readonly cols: number;
  readonly rows: number;
  readonly config: ResolvedConfig;
  readonly sandbox: Sandbox;
  /** Told once, when the session is disposed (the registry forgets it). */
  readonly onDisposed: (session: Session) => void;
}

export class Session extends Disposable {
  readonly lab: LabDefinition;
  readonly room: string;
  /** The shell's working directory (and HOME): a fresh one per shell, so a reset starts clean. */
  dir: string;
  readonly closed: Promise<void>;
  private readonly attachments = new Set<Attachment>();
  private readonly recorders = new Set<SessionRecorder>();
  private writer: Attachment | undefined;
  private pty: PtyHost | undefined;
  private screen: Screen;
  /** Whether the shell is at its prompt, for `run` (a ▶ must not type into qemu's console). */
  private readonly prompt = new PromptTracker();
  private exited = false;
  private startedAt = 0;
  private readonly idle: IdleTimer;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly stops: Promise<void>[] = [];
  private resolveClosed: () => void = () => undefined;

  /** Throws (after cleaning up) when the shell cannot be spawned at all. */
  constructor(private readonly options: SessionOptions) {
    super();
    this.lab = options.lab;
    this.room = options.room;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.dir = this.newDir();
    this.screen = this.newScreen(options.cols, options.rows);
    this.register(toDisposable(() => this.graceTimer && clearTimeout(this.graceTimer)));
    this.idle = this.register(new IdleTimer(options.config.idleMs, () => this.end('idle')));
    try {
      this.startShell(options.cols, options.rows);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  get size(): { readonly cols: number; readonly rows: number } {
    return { cols: this.screen.cols, rows: this.screen.rows };
  }

  get pid(): number | undefined {
    return this.pty?.pid;
  }

  get attachedCount(): number {
    return this.attachments.size;
  }

  /**
   * Starts a recording, a viewer that writes: it gets the screen as it is now, then every event, until
   * the returned disposable (or the session) ends it.
   */
  record(create: (cols: number, rows: number) => SessionRecorder): IDisposable {
    const { cols, rows } = this.size;
    const recorder = create(cols, rows);
    recorder.output(Buffer.from(this.screen.snapshot().data, 'utf8'));
    this.recorders.add(recorder);
    return this.register(toDisposable(() => this.recorders.delete(recorder)));
  }

  /** Presenter pages take the writer role unless they ask to view; the audience only ever views. */
  attach(peer: Peer, channel: number, mode: 'write' | 'view'): Attachment {
    const role: SessionRole = peer.role === 'presenter' && mode === 'write' ? 'writer' : 'viewer';
    const attachment = new Attachment(peer, channel, role);
    if (role === 'writer') {
      this.writer?.demote();
      this.writer = attachment;
    }
    this.attachments.add(attachment);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    const { cols, rows } = this.size;
    peer.outbox.sendMessage({ type: 'attached', channel, lab: this.lab.id, room: this.room, role, cols, rows });
    attachment.sync(this.screen.snapshot(), this.exited);
    this.applyPause();
    return attachment;
  }

  detach(attachment: Attachment, reason: DetachReason, notify = true): void {
    if (!this.attachments.delete(attachment)) return;
    attachment.clearSlowTimer();
    if (notify) attachment.peer.outbox.sendMessage({ type: 'detached', channel: attachment.channel, reason });
    attachment.peer.released(attachment.channel);
    if (this.writer === attachment) this.writer = undefined;
    this.applyPause();
    if (this.attachments.size === 0 && !this.isDisposed) {
      this.graceTimer = setTimeout(() => this.end('ended'), this.options.config.graceMs);
    }
  }

  input(attachment: Attachment, data: string, binary: boolean): void {
    if (attachment.role !== 'writer') {
      // Dropped, xterm's automatic replies included; said once so the pane can show "read-only".
      if (!attachment.warnedReadOnly) attachment.fail(errorValue('READ_ONLY'));
      attachment.warnedReadOnly = true;
      return;
    }
    if (this.exited || !this.pty) return attachment.fail(errorValue('SESSION_EXITED'));
    this.idle.touch();
    for (const recorder of this.recorders) recorder.input(data);
    this.prompt.typed(data);
    this.pty.write(binary ? Buffer.from(data, 'latin1') : data);
  }

  ack(attachment: Attachment, bytes: number): void {
    attachment.window.acked(bytes);
    if (attachment === this.writer) this.applyPause();
    else if (attachment.state === 'lagging' && !attachment.window.isThrottled) attachment.sync(this.screen.snapshot(), this.exited);
  }

  resize(attachment: Attachment, cols: number, rows: number): void {
    if (attachment !== this.writer) return attachment.fail(errorValue('NOT_WRITER'));
    const size = this.size;
    if (size.cols === cols && size.rows === rows) return;
    this.pty?.resize(cols, rows);
    this.screen.resize(cols, rows);
    for (const recorder of this.recorders) recorder.resize(cols, rows);
    for (const a of this.attachments) a.peer.outbox.sendMessage({ type: 'resized', channel: a.channel, cols, rows });
  }

  /**
   * Types a command of the lab definition (looked up by id: the page never sends shell text), unless a
   * program holds the terminal (or it is for a guest that is not there): then the page is told what holds
   * it, and `force` types it all the same.
   */
  run(attachment: Attachment, commandId: string, force = false): void {
    if (attachment !== this.writer) return attachment.fail(errorValue('NOT_WRITER'));
    if (!Object.hasOwn(this.lab.commands, commandId)) {
      return attachment.fail(errorValue('UNKNOWN_COMMAND', { detail: commandId }));
    }
    if (this.exited || !this.pty) return attachment.fail(errorValue('SESSION_EXITED'));
    const refusal = force ? undefined : runRefusal(this.lab, commandId, this.prompt.state, this.pty.foreground);
    if (refusal) return attachment.peer.outbox.sendMessage({ type: 'run-refused', channel: attachment.channel, commandId, ...refusal });
    this.prompt.ran(commandId);
    const typed = `${(this.lab.commands[commandId] ?? '').replace(/\r?\n/g, '\r')}\r`;
    this.idle.touch();
    for (const recorder of this.recorders) {
      recorder.marker(commandId);
      recorder.input(typed);
    }
    this.pty.write(typed);
  }

  /** Writer only: a new shell in a fresh working directory, every page reset to a blank screen. */
  reset(attachment: Attachment): void {
    if (attachment !== this.writer) return attachment.fail(errorValue('NOT_WRITER'));
    this.idle.touch();
    const previous = this.dir;
    this.stopShell();
    this.stops.push(Promise.all(this.stops).then(() => this.removeDir(previous, true)));
    try {
      this.dir = this.newDir();
    } catch (error) {
      this.exited = true;
      return attachment.fail(errorValue('LAB_START_FAILED', { detail: (error as Error).message }));
    }
    for (const a of this.attachments) a.peer.outbox.sendMessage({ type: 'status', channel: a.channel, state: 'restarting' });
    const { cols, rows } = this.size;
    this.screen.dispose();
    this.screen = this.newScreen(cols, rows);
    // Pages start again from a blank screen; so does the recording (RIS, a full terminal reset).
    for (const recorder of this.recorders) recorder.output(Buffer.from('\u001bc'));
    this.prompt.restarted();
    try {
      this.startShell(cols, rows);
    } catch (error) {
      this.exited = true;
      attachment.fail(errorValue('LAB_START_FAILED', { detail: (error as Error).message }));
    }
    for (const a of this.attachments) {
      a.window.reset();
      a.sync(this.screen.snapshot(), this.exited);
      // The restart is over (sync said `exited` if the new shell did not start): pages drop their banner.
      if (!this.exited) a.peer.outbox.sendMessage({ type: 'status', channel: a.channel, state: 'running' });
    }
  }

  /** Detaches every page (telling it why), then disposes. */
  end(reason: DetachReason): void {
    for (const a of [...this.attachments]) this.detach(a, reason);
    this.dispose();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    for (const a of [...this.attachments]) this.detach(a, 'ended', false);
    super.dispose();
    this.stopShell();
    this.screen.dispose();
    // Asynchronous: removing a big working directory must not stall every other session.
    void Promise.all(this.stops)
      .then(() => this.removeDir(this.dir, false))
      .finally(() => this.resolveClosed());
    this.options.onDisposed(this);
  }

  /** As the lab account (session-dir.ts); a failure is logged, and told to the pages when they stay. */
  private async removeDir(dir: string, tell: boolean): Promise<void> {
    const problem = await this.options.sandbox.removeSessionDir(dir);
    if (problem === undefined) return;
    console.error(`lab server: cannot remove ${dir}: ${problem}`);
    if (tell) for (const a of this.attachments) a.fail(errorValue('LAB_CLEANUP_FAILED', { detail: problem }));
  }

  private newDir(): string {
    return this.options.sandbox.createSessionDir(join(this.options.config.stateDir, 'labs', this.lab.id), this.room);
  }

  private newScreen(cols: number, rows: number): Screen {
    const screen = new Screen(
      cols,
      rows,
      (behind) => {
        if (screen === this.screen) this.pty?.setPaused('screen', behind);
      },
      // The screen answers terminal queries (ESC [6n...) in the pty's input, in order with typed input.
      (reply) => {
        if (screen === this.screen) this.pty?.write(reply);
      },
    );
    return screen;
  }

  private startShell(cols: number, rows: number): void {
    const { lab, sandbox, config } = this.options;
    const env = buildLabEnv(lab, { user: sandbox.userName, home: this.dir }, config.env);
    const { file, args } = sandbox.command(labShellArgv(lab), this.dir);
    const pty: PtyHost = new PtyHost(
      { file, args, cwd: this.dir, env, cols, rows, sandboxed: sandbox.isolated },
      { onData: (chunk) => this.output(chunk), onExit: (exit) => this.shellExited(pty, exit) },
    );
    this.pty = pty;
    this.exited = false;
    this.startedAt = Date.now();
    this.applyPause();
  }

  private stopShell(): void {
    const pty = this.pty;
    this.pty = undefined;
    if (!pty) return;
    this.stops.push(pty.stop());
    pty.dispose();
  }

  private output(chunk: Buffer): void {
    this.screen.write(chunk);
    this.prompt.output(chunk);
    for (const recorder of this.recorders) recorder.output(chunk);
    const frames = new FrameCache(chunk);
    for (const a of this.attachments) {
      if (a.state === 'live') {
        a.peer.outbox.sendOutput(a.channel, frames);
        a.window.sent(chunk.length);
        if (a.role === 'viewer' && a.window.isThrottled) a.lag(this.options.config.slowViewerMs, () => this.detach(a, 'slow'));
      }
    }
    if (this.writer?.window.isThrottled) this.pty?.setPaused('writer', true);
  }

  private shellExited(pty: PtyHost, exit: PtyExit): void {
    const early = Date.now() - this.startedAt < START_FAILURE_WINDOW_MS;
    // node-pty may deliver the last output after the exit (node-pty #72/#726): let it arrive first.
    this.register(
      disposableTimeout(DATA_FLUSH_MS, () => {
        if (pty !== this.pty) return;
        this.exited = true;
        for (const a of this.attachments) {
          const { outbox } = a.peer;
          if (exit.code === SETUP_FAILED_EXIT) a.fail(errorValue('LAB_SETUP_FAILED'));
          else if (early) a.fail(errorValue('LAB_START_FAILED', { detail: `le shell s’est arrêté aussitôt (code ${exit.code})` }));
          outbox.sendMessage({ type: 'exit', channel: a.channel, code: exit.code, signal: exit.signal });
          outbox.sendMessage({ type: 'status', channel: a.channel, state: 'exited' });
        }
        // Whatever the shell left running in its session goes with it.
        this.stops.push(pty.stop());
      }),
    );
  }

  private applyPause(): void {
    const pty = this.pty;
    if (!pty) return;
    pty.setPaused('writer', this.writer?.window.isThrottled ?? false);
    // Nobody to show output to: stop reading, so a forgotten `yes` costs nothing until someone comes back.
    pty.setPaused('nobody', this.attachments.size === 0);
  }
}
