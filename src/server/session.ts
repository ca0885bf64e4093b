/**
 * One lab session, per (room, lab): a long-lived shell in a pty (commands are typed into it), the screen
 * it draws (for snapshots), and the pages attached to it: one writer at most, any number of viewers.
 * Owns all of it; end() detaches the pages, dispose() frees the rest, and `closed` settles once every
 * process of the shell is gone and its working directory removed.
 */
import { join } from 'node:path';
import { errorValue, type ErrorValue } from '../protocol/errors.ts';
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
import { Screen, type ParseScheduler } from './screen.ts';
import { TypedLine } from './typed-line.ts';
import { runExercise, type CheckSpawn } from './check-runner.ts';

/**
 * Whose a session is when it is not the presenter's: a student of a hands-on class (hands-on.ts). Their
 * shells run in their own sandbox with extra variables (LAB_OWNER, LAB_OWNER_DIR), and what they run is
 * reported for the presenter's class panel.
 */
export interface SessionOwner {
  readonly sandbox: Sandbox;
  readonly env: Readonly<Record<string, string>>;
  /** A command was typed, by ▶ or by hand (typed-line.ts): its text. */
  command(text: string): void;
  /** The shell is back at its prompt (OSC 133;D): the exit status of what ran. */
  status(exit: number): void;
}

export interface SessionOptions {
  readonly lab: LabDefinition;
  readonly room: string;
  readonly cols: number;
  readonly rows: number;
  readonly config: ResolvedConfig;
  readonly sandbox: Sandbox;
  readonly owner?: SessionOwner;
  /** The lab server's screen parser (screen.ts). */
  readonly parse: ParseScheduler;
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
  /** What a student types, for the class panel (only for an owner). */
  private readonly typedLine: TypedLine | undefined;
  /** Whether each student page was last told the presenter watches (student rooms only). */
  private readonly toldWatched = new WeakMap<Attachment, boolean>();
  private exited = false;
  /** An exercise's checks are running (one « Vérifier » at a time per session). */
  private verifying = false;
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
    this.typedLine = options.owner ? new TypedLine() : undefined;
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

  /** The presenter's sandbox, or the student's own. */
  private get sandbox(): Sandbox {
    return this.options.owner?.sandbox ?? this.options.sandbox;
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

  /** The connection decides the role (connection.ts): a new writer takes over from the previous one. */
  attach(peer: Peer, channel: number, role: SessionRole): Attachment {
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
    this.tellWatched();
    return attachment;
  }

  /** In a student's session, their pages know whether a presenter page is watching it. */
  private tellWatched(): void {
    if (!this.options.owner) return;
    const watching = [...this.attachments].some((a) => a.peer.role === 'presenter');
    for (const a of this.attachments) {
      if (a.peer.role !== 'student' || this.toldWatched.get(a) === watching) continue;
      if (watching || this.toldWatched.has(a)) a.peer.outbox.sendMessage({ type: 'watched', channel: a.channel, watching });
      this.toldWatched.set(a, watching);
    }
  }

  detach(attachment: Attachment, reason: DetachReason, notify = true): void {
    if (!this.attachments.delete(attachment)) return;
    attachment.clearSlowTimer();
    if (notify) attachment.peer.outbox.sendMessage({ type: 'detached', channel: attachment.channel, reason });
    attachment.peer.released(attachment.channel);
    if (this.writer === attachment) this.writer = undefined;
    this.applyPause();
    this.tellWatched();
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
    if (this.typedLine) for (const line of this.typedLine.feed(data)) if (line !== '') this.options.owner?.command(line);
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
    const text = this.lab.commands[commandId] ?? '';
    this.options.owner?.command(text.split('\n')[0] ?? text);
    const typed = `${text.replace(/\r?\n/g, '\r')}\r`;
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

  /**
   * Writer only: runs exercise `exerciseId`'s checks in this session's sandbox (check-runner.ts) and
   * answers `verified`. Resolves whether every check passed (undefined when it did not run).
   */
  async verify(attachment: Attachment, exerciseId: string): Promise<boolean | undefined> {
    if (attachment !== this.writer) return attachment.fail(errorValue('NOT_WRITER')), undefined;
    const exercise = Object.hasOwn(this.lab.exercises, exerciseId) ? this.lab.exercises[exerciseId] : undefined;
    if (!exercise) return attachment.fail(errorValue('UNKNOWN_EXERCISE', { detail: exerciseId })), undefined;
    if (this.verifying) return attachment.fail(errorValue('VERIFY_BUSY')), undefined;
    this.verifying = true;
    this.idle.touch();
    try {
      const results = await runExercise(exercise, (command) => this.checkSpawn(command));
      attachment.peer.outbox.sendMessage({ type: 'verified', channel: attachment.channel, exercise: exerciseId, results });
      const passed = results.every((result) => result.state === 'pass');
      console.log(`lab server: ${this.room}/${this.lab.id} vérifie ${exerciseId} : ${passed ? 'réussi' : results.map((r) => `${r.check} ${r.state}`).join(', ')}`);
      return passed;
    } finally {
      this.verifying = false;
    }
  }

  /**
   * A check runs as the shell does, without a terminal: `bash -c`, with the lab's start-up file as
   * BASH_ENV when its shell has one (the cloud lab's rc points openstack at the right clouds.yaml).
   */
  private checkSpawn(command: string): CheckSpawn {
    const shell = labShellArgv(this.lab);
    const rcfile = shell[shell.indexOf('--rcfile') + 1];
    const env = { ...this.shellEnv(), ...(shell.includes('--rcfile') && rcfile ? { BASH_ENV: rcfile } : {}) };
    const { file, args } = this.sandbox.command(['bash', '-c', command], this.dir);
    return { file, args, cwd: this.dir, env };
  }

  private shellEnv(): Record<string, string> {
    const { lab, config, owner } = this.options;
    return { ...buildLabEnv(lab, { user: this.sandbox.userName, home: this.dir }, config.env), ...owner?.env };
  }

  /** Tells every page of the session something went wrong (an error message in their pane). */
  notify(error: ErrorValue): void {
    for (const a of this.attachments) a.fail(error);
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
    const problem = await this.sandbox.removeSessionDir(dir);
    if (problem === undefined) return;
    console.error(`lab server: cannot remove ${dir}: ${problem}`);
    if (tell) for (const a of this.attachments) a.fail(errorValue('LAB_CLEANUP_FAILED', { detail: problem }));
  }

  private newDir(): string {
    return this.sandbox.createSessionDir(join(this.options.config.stateDir, 'labs', this.lab.id), this.room);
  }

  private newScreen(cols: number, rows: number): Screen {
    const screen = new Screen(
      cols,
      rows,
      this.options.parse,
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
    const { lab } = this.options;
    const sandbox = this.sandbox;
    const env = this.shellEnv();
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
    const status = this.prompt.output(chunk);
    if (status !== undefined) this.options.owner?.status(status);
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
