/**
 * One lab session, per (room, lab): the pages attached to it (one writer at most, any number of viewers)
 * and its shell (session-shell.ts: the pty, the screen it draws, its working directory). A reset replaces
 * the shell as a whole while the pages stay attached. Owns all of it; end() detaches the pages, dispose()
 * frees the rest, and `closed` settles once every process of every shell is gone and their working
 * directories removed.
 */
import { errorValue, type ErrorValue } from '../protocol/errors.ts';
import type { DetachReason, SessionRole } from '../protocol/messages.ts';
import { Attachment, type Peer } from './attachment.ts';
import type { ResolvedConfig } from './config.ts';
import type { LabDefinition } from './labs.ts';
import { ExerciseVerifier } from './exercise-verifier.ts';
import { IdleTimer } from './idle-timer.ts';
import { Disposable, disposableTimeout, MutableDisposable, toDisposable, type IDisposable } from './lifecycle.ts';
import { FrameCache } from './outbox.ts';
import { PromptTracker } from './prompt-tracker.ts';
import type { SessionRecorder } from './recorder.ts';
import { runRefusal } from './run-gate.ts';
import type { Sandbox } from './sandbox.ts';
import type { ParseScheduler, ScreenSnapshot } from './screen.ts';
import { SessionShell } from './session-shell.ts';
import { TypedLine } from './typed-line.ts';
import { WatchedNotices } from './watched-notices.ts';

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
  readonly closed: Promise<void>;
  private readonly attachments = new Set<Attachment>();
  private readonly recorders = new Set<SessionRecorder>();
  private writer: Attachment | undefined;
  /** The shell now; none only when a reset could not make the new one's directory (the session has exited). */
  private shell: SessionShell | undefined;
  /** Every shell's `closed`, the replaced ones' too: the session is closed when they all are. */
  private readonly shellsClosed: Promise<void>[] = [];
  /** The writer's terminal size: the shell's, and the next shell's after a reset. */
  private cols: number;
  private rows: number;
  /**
   * Whether the shell is at its prompt, for `run` (a ▶ must not type into qemu's console). The session's,
   * not the shell's: whether the lab's prompt marks at all is learnt once and outlives a reset.
   */
  private readonly prompt = new PromptTracker();
  /** What a student types, for the class panel (only for an owner). */
  private readonly typedLine: TypedLine | undefined;
  /** Student rooms only: their pages are told whether a presenter page watches. */
  private readonly watched: WatchedNotices | undefined;
  private readonly verifier: ExerciseVerifier;
  private readonly idle: IdleTimer;
  /** Armed when the last page leaves: the session ends unless one comes back in time. */
  private readonly grace = this.register(new MutableDisposable());
  private resolveClosed: () => void = () => undefined;
  private readonly detachSlow = (a: Attachment): void => this.detach(a, 'slow');

  /** Throws (after cleaning up) when the shell cannot be spawned at all. */
  constructor(private readonly options: SessionOptions) {
    super();
    this.lab = options.lab;
    this.room = options.room;
    this.cols = options.cols;
    this.rows = options.rows;
    this.typedLine = options.owner ? new TypedLine() : undefined;
    this.watched = options.owner ? new WatchedNotices() : undefined;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.idle = this.register(new IdleTimer(options.config.idleMs, () => this.end('idle')));
    this.verifier = new ExerciseVerifier(this.lab, `${this.room}/${this.lab.id}`, () => this.idle.touch());
    // Whichever shell is current then goes with the session (a replaced one went at its reset).
    this.register(toDisposable(() => this.shell?.dispose()));
    try {
      this.startShell();
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  get size(): { readonly cols: number; readonly rows: number } {
    return { cols: this.cols, rows: this.rows };
  }

  get pid(): number | undefined {
    return this.shell?.pid;
  }

  get attachedCount(): number {
    return this.attachments.size;
  }

  /** Nothing can be typed: the shell exited or did not start. */
  private get exited(): boolean {
    return this.shell?.exited ?? true;
  }

  /** The screen as the pages should show it; blank when there is no shell. */
  private snapshot(): ScreenSnapshot {
    return this.shell?.snapshot() ?? { data: '', cols: this.cols, rows: this.rows };
  }

  /**
   * Starts a recording, a viewer that writes: it gets the screen as it is now, then every event, until
   * the returned disposable (or the session) ends it.
   */
  record(create: (cols: number, rows: number) => SessionRecorder): IDisposable {
    const recorder = create(this.cols, this.rows);
    recorder.output(Buffer.from(this.snapshot().data, 'utf8'));
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
    this.grace.clear();
    peer.outbox.sendMessage({
      type: 'attached',
      channel,
      lab: this.lab.id,
      room: this.room,
      role,
      cols: this.cols,
      rows: this.rows,
    });
    attachment.sync(this.snapshot(), this.exited);
    this.applyPause();
    this.watched?.update(this.attachments);
    return attachment;
  }

  detach(attachment: Attachment, reason: DetachReason, notify = true): void {
    if (!this.attachments.delete(attachment)) return;
    attachment.dispose();
    if (notify) attachment.peer.outbox.sendMessage({ type: 'detached', channel: attachment.channel, reason });
    attachment.peer.released(attachment.channel);
    if (this.writer === attachment) this.writer = undefined;
    this.applyPause();
    this.watched?.update(this.attachments);
    if (this.attachments.size === 0 && !this.isDisposed) {
      this.grace.value = disposableTimeout(this.options.config.graceMs, () => this.end('ended'));
    }
  }

  input(attachment: Attachment, data: string, binary: boolean): void {
    if (attachment.role !== 'writer') return attachment.refuseInput();
    const shell = this.shell;
    if (!shell || shell.exited) return attachment.fail(errorValue('SESSION_EXITED'));
    this.idle.touch();
    for (const recorder of this.recorders) recorder.input(data);
    this.prompt.typed(data);
    if (this.typedLine)
      for (const line of this.typedLine.feed(data)) if (line !== '') this.options.owner?.command(line);
    shell.write(binary ? Buffer.from(data, 'latin1') : data);
  }

  ack(attachment: Attachment, bytes: number): void {
    attachment.window.acked(bytes);
    if (attachment === this.writer) this.applyPause();
    else if (attachment.state === 'lagging' && !attachment.window.isThrottled)
      attachment.sync(this.snapshot(), this.exited);
  }

  resize(attachment: Attachment, cols: number, rows: number): void {
    if (attachment !== this.writer) return attachment.fail(errorValue('NOT_WRITER'));
    if (this.cols === cols && this.rows === rows) return;
    this.cols = cols;
    this.rows = rows;
    this.shell?.resize(cols, rows);
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
    if (!Object.hasOwn(this.lab.commands, commandId))
      return attachment.fail(errorValue('UNKNOWN_COMMAND', { detail: commandId }));
    const shell = this.shell;
    if (!shell || shell.exited) return attachment.fail(errorValue('SESSION_EXITED'));
    const refusal = force ? undefined : runRefusal(this.lab, commandId, this.prompt.state, shell.foreground);
    if (refusal)
      return attachment.peer.outbox.sendMessage({
        type: 'run-refused',
        channel: attachment.channel,
        commandId,
        ...refusal,
      });
    this.prompt.ran(commandId);
    const text = this.lab.commands[commandId] ?? '';
    this.options.owner?.command(text.split('\n')[0] ?? text);
    const typed = `${text.replace(/\r?\n/g, '\r')}\r`;
    this.idle.touch();
    for (const recorder of this.recorders) {
      recorder.marker(commandId);
      recorder.input(typed);
    }
    shell.write(typed);
  }

  /** Writer only: a new shell in a fresh working directory, every page reset to a blank screen. */
  reset(attachment: Attachment): void {
    if (attachment !== this.writer) return attachment.fail(errorValue('NOT_WRITER'));
    this.idle.touch();
    // The old shell goes as a whole: its processes, then its directory, in the background.
    this.shell?.dispose();
    this.shell = undefined;
    for (const a of this.attachments) a.status('restarting');
    // Pages start again from a blank screen; so does the recording (RIS, a full terminal reset).
    for (const recorder of this.recorders) recorder.output(Buffer.from('\u001bc'));
    this.prompt.restarted();
    try {
      this.startShell();
    } catch (error) {
      attachment.fail(errorValue('LAB_START_FAILED', { detail: (error as Error).message }));
    }
    for (const a of this.attachments) {
      a.window.reset();
      a.sync(this.snapshot(), this.exited);
      // The restart is over (sync said `exited` if the new shell did not start): pages drop their banner.
      if (!this.exited) a.status('running');
    }
  }

  /** Writer only: runs exercise `exerciseId`'s checks (exercise-verifier.ts); whether they all passed. */
  async verify(attachment: Attachment, exerciseId: string): Promise<boolean | undefined> {
    if (attachment !== this.writer) return (attachment.fail(errorValue('NOT_WRITER')), undefined);
    return this.verifier.verify(attachment, exerciseId, this.shell);
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
    void Promise.all(this.shellsClosed).finally(() => this.resolveClosed());
    this.options.onDisposed(this);
  }

  /**
   * A new shell at the session's size. Throws when its directory cannot be made (then there is no shell)
   * or it cannot be spawned (then it stays, exited, with its blank screen).
   */
  private startShell(): void {
    const { lab, room, config, owner, parse } = this.options;
    const sandbox: Sandbox = owner?.sandbox ?? this.options.sandbox;
    const shell = new SessionShell(
      { lab, room, config, sandbox, parse, ...(owner ? { ownerEnv: owner.env } : {}) },
      this.cols,
      this.rows,
      {
        output: (chunk) => this.output(chunk),
        exited: (exit, why) => {
          for (const a of this.attachments) a.exited(exit, why);
        },
        // Told to the pages still there (after a reset); a session that ended has none left to tell.
        cleanupFailed: (problem) => this.notify(errorValue('LAB_CLEANUP_FAILED', { detail: problem })),
      },
    );
    this.shell = shell;
    this.shellsClosed.push(shell.closed);
    shell.start();
    this.applyPause();
  }

  private output(chunk: Buffer): void {
    const status = this.prompt.output(chunk);
    if (status !== undefined) this.options.owner?.status(status);
    for (const recorder of this.recorders) recorder.output(chunk);
    const frames = new FrameCache(chunk);
    for (const a of this.attachments) a.output(frames, this.options.config.slowViewerMs, this.detachSlow);
    if (this.writer?.window.isThrottled) this.shell?.setPaused('writer', true);
  }

  private applyPause(): void {
    const shell = this.shell;
    if (!shell) return;
    shell.setPaused('writer', this.writer?.window.isThrottled ?? false);
    // Nobody to show output to: stop reading, so a forgotten `yes` costs nothing until someone comes back.
    shell.setPaused('nobody', this.attachments.size === 0);
  }
}
