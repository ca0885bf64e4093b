/**
 * One shell of a session: its fresh working directory (also its HOME), the pty it runs in and the screen
 * it draws. A reset replaces the whole of it by a new one (session.ts), while the pages stay attached to
 * the session; so everything a shell makes dies with it here, in one idempotent dispose(): the staged
 * shutdown of its processes (pty-host.ts), its screen, then its directory once nothing runs in it.
 *
 * Its argv is the lab's (lab-shell.ts); the checks of an exercise run as it does, in the same directory.
 */
import { join } from 'node:path';
import { errorValue, type ErrorValue } from '../protocol/errors.ts';
import { DATA_FLUSH_MS, START_FAILURE_WINDOW_MS } from '../protocol/limits.ts';
import type { CheckSpawn } from './check-runner.ts';
import type { ResolvedConfig } from './config.ts';
import { buildLabEnv } from './env.ts';
import { labShellArgv, SETUP_FAILED_EXIT } from './lab-shell.ts';
import type { LabDefinition } from './labs.ts';
import { Disposable, disposableTimeout } from './lifecycle.ts';
import { PtyHost, type PtyExit } from './pty-host.ts';
import type { Sandbox } from './sandbox.ts';
import { Screen, type ParseScheduler, type ScreenSnapshot } from './screen.ts';

export interface ShellSpec {
  readonly lab: LabDefinition;
  readonly room: string;
  readonly config: ResolvedConfig;
  /** The presenter's sandbox, or the student's own. */
  readonly sandbox: Sandbox;
  /** A student's extra variables (LAB_OWNER, LAB_OWNER_DIR), on top of the lab's. */
  readonly ownerEnv?: Readonly<Record<string, string>>;
  /** The lab server's screen parser (screen.ts). */
  readonly parse: ParseScheduler;
}

export interface ShellEvents {
  /** A chunk of the shell's output, already written to its screen. */
  output(chunk: Buffer): void;
  /**
   * The shell exited, told once its last output had the time to arrive; `why` when that means it did not
   * start: its setup failed, or it ended within START_FAILURE_WINDOW_MS.
   */
  exited(exit: PtyExit, why: ErrorValue | undefined): void;
  /** Its working directory could not be removed (the problem is logged already). */
  cleanupFailed(problem: string): void;
}

export class SessionShell extends Disposable {
  /** Made by the constructor: a shell always starts in a directory of its own. */
  readonly dir: string;
  /** Settles after dispose(), once every process of the shell is gone and its directory removed (or given up). */
  readonly closed: Promise<void>;
  private readonly screen: Screen;
  private pty: PtyHost | undefined;
  private hasExited = false;
  private startedAt = 0;
  /** The pty's staged shutdowns: the directory is removed only after them. */
  private readonly stops: Promise<void>[] = [];
  private resolveClosed: () => void = () => undefined;

  /**
   * Makes the directory (throws if it cannot: nothing is made then) and the screen; start() then spawns
   * the shell. Apart, so that a shell that could not start still has a screen and a directory to clean.
   */
  constructor(
    private readonly spec: ShellSpec,
    cols: number,
    rows: number,
    private readonly events: ShellEvents,
  ) {
    super();
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.dir = spec.sandbox.createSessionDir(join(spec.config.stateDir, 'labs', spec.lab.id), spec.room);
    this.screen = new Screen(
      cols,
      rows,
      spec.parse,
      (behind) => this.pty?.setPaused('screen', behind),
      // The screen answers terminal queries (ESC [6n...) in the pty's input, in order with typed input.
      (reply) => this.pty?.write(reply),
    );
  }

  /** Spawns the shell in its directory; throws when it cannot be spawned at all (it counts as exited). */
  start(): void {
    const { sandbox, lab } = this.spec;
    const { file, args } = sandbox.command(labShellArgv(lab), this.dir);
    const { cols, rows } = this.size;
    const pty: PtyHost = new PtyHost(
      { file, args, cwd: this.dir, env: this.env(), cols, rows, sandboxed: sandbox.isolated },
      { onData: (chunk) => this.output(chunk), onExit: (exit) => this.ptyExited(pty, exit) },
    );
    this.pty = pty;
    this.startedAt = Date.now();
  }

  get pid(): number | undefined {
    return this.pty?.pid;
  }

  get size(): { readonly cols: number; readonly rows: number } {
    return { cols: this.screen.cols, rows: this.screen.rows };
  }

  /** Nothing more can be typed: the shell exited, never started, or was disposed. */
  get exited(): boolean {
    return this.hasExited || this.pty === undefined;
  }

  /** The program in the terminal's foreground, if the pty knows (run-gate.ts). */
  get foreground(): string | undefined {
    return this.pty?.foreground;
  }

  snapshot(): ScreenSnapshot {
    return this.screen.snapshot();
  }

  write(data: string | Buffer): void {
    this.pty?.write(data);
  }

  resize(cols: number, rows: number): void {
    this.pty?.resize(cols, rows);
    this.screen.resize(cols, rows);
  }

  setPaused(reason: 'writer' | 'nobody', paused: boolean): void {
    this.pty?.setPaused(reason, paused);
  }

  /**
   * A check runs as the shell does, without a terminal: `bash -c`, with the lab's start-up file as
   * BASH_ENV when its shell has one (the cloud lab's rc points openstack at the right clouds.yaml).
   */
  checkSpawn(command: string): CheckSpawn {
    const shell = labShellArgv(this.spec.lab);
    const rcfile = shell[shell.indexOf('--rcfile') + 1];
    const env = { ...this.env(), ...(shell.includes('--rcfile') && rcfile ? { BASH_ENV: rcfile } : {}) };
    const { file, args } = this.spec.sandbox.command(['bash', '-c', command], this.dir);
    return { file, args, cwd: this.dir, env };
  }

  /**
   * The staged shutdown, in the background: the shell's processes are asked to go, then killed
   * (pty-host.ts), and the directory is removed once none is left (as the lab account, session-dir.ts).
   */
  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.stopPty();
    this.screen.dispose();
    // Asynchronous: removing a big working directory must not stall every other session.
    void Promise.all(this.stops)
      .then(() => this.removeDir())
      .finally(() => this.resolveClosed());
  }

  private env(): Record<string, string> {
    const { lab, config, sandbox, ownerEnv } = this.spec;
    return { ...buildLabEnv(lab, { user: sandbox.userName, home: this.dir }, config.env), ...ownerEnv };
  }

  private output(chunk: Buffer): void {
    this.screen.write(chunk);
    this.events.output(chunk);
  }

  private ptyExited(pty: PtyHost, exit: PtyExit): void {
    const early = Date.now() - this.startedAt < START_FAILURE_WINDOW_MS;
    // node-pty may deliver the last output after the exit (node-pty #72/#726): let it arrive first. The
    // timer dies with the shell: a shell replaced meanwhile says nothing.
    this.register(
      disposableTimeout(DATA_FLUSH_MS, () => {
        this.hasExited = true;
        this.events.exited(exit, exitReason(exit, early));
        // Whatever the shell left running in its session goes with it.
        this.stops.push(pty.stop());
      }),
    );
  }

  private stopPty(): void {
    const pty = this.pty;
    this.pty = undefined;
    if (!pty) return;
    this.stops.push(pty.stop());
    pty.dispose();
  }

  private async removeDir(): Promise<void> {
    const problem = await this.spec.sandbox.removeSessionDir(this.dir);
    if (problem === undefined) return;
    console.error(`lab server: cannot remove ${this.dir}: ${problem}`);
    this.events.cleanupFailed(problem);
  }
}

/** Why an exit means the shell did not start (told to the pages before the exit itself), if it does. */
function exitReason(exit: PtyExit, early: boolean): ErrorValue | undefined {
  if (exit.code === SETUP_FAILED_EXIT) return errorValue('LAB_SETUP_FAILED');
  if (early) return errorValue('LAB_START_FAILED', { detail: `le shell s’est arrêté aussitôt (code ${exit.code})` });
  return undefined;
}
