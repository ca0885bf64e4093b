/**
 * One lab shell in a pty (node-pty, raw Buffers: decoding to strings costs 10-15 % and the bytes go out
 * as they came). Owns the process and its whole session: stop() is the staged shutdown (SIGHUP to every
 * process of the session, SIGKILL after KILL_AFTER_MS), and resolves only when none is left.
 */
import { readSync, writeSync } from 'node:fs';
import pty from 'node-pty';
import { KILL_AFTER_MS, PTY_READ_MAX_BYTES } from '../protocol/limits.ts';
import { Disposable, toDisposable } from './lifecycle.ts';
import { labProcesses, signalSession } from './processes.ts';

export interface PtyExit {
  readonly code: number;
  readonly signal: number | null;
}

export interface PtySpawn {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cols: number;
  readonly rows: number;
  /** The leader is bwrap's monitor: spare it the SIGHUP, so its PID namespace ends cleanly with the shell. */
  readonly sandboxed: boolean;
}

export interface PtyEvents {
  readonly onData: (chunk: Buffer) => void;
  readonly onExit: (exit: PtyExit) => void;
}

/**
 * A read this long means the pty had more to give: one read returns at most the kernel's n_tty buffer
 * (4095 bytes), whatever libuv asks for.
 */
const FULL_READ_BYTES = 4000;

/** Where readMore() reads, shared by every pty: it is copied out before anything else runs. */
const readBuffer = Buffer.allocUnsafeSlow(PTY_READ_MAX_BYTES);

/**
 * Bytes readMore() may read per event-loop turn, all ptys together. libuv reads each ready pty once per
 * turn (a read shorter than its buffer ends its loop), so without a bound fifty flooding shells made
 * each turn sixteen times longer, and a keystroke's echo waited for whole turns (p50 ~300 ms instead of
 * ~40 ms in bench/ab.ts). One stream still gets its 64 KiB chunks; fifty get 4 KiB reads, as before.
 */
const READ_MORE_PER_TURN = 2 * PTY_READ_MAX_BYTES;
let readThisTurn = 0;
let turnResetScheduled = false;

function countRead(bytes: number): void {
  readThisTurn += bytes;
  if (turnResetScheduled) return;
  turnResetScheduled = true;
  setImmediate(() => {
    turnResetScheduled = false;
    readThisTurn = 0;
  });
}

/**
 * Output handed on per event-loop turn, all ptys together, past which a flooding pty (one whose read was
 * full: it has more ready) waits for a later turn. libuv reads every ready pty once per turn, so with fifty
 * shells flooding a turn took ~50 reads and their frames, and a keystroke's echo waited for one or two
 * whole turns (probe p50 21-32 ms against 0.4-0.8 ms for the in-process reader, bench `sessions`). Paused
 * floods resume one per turn, in order (FIFO), and while some wait none reads ahead (readMore): the turns
 * stay short (p50 2.5-3 ms), each flood gets its share, and a pty that is not flooding (an echo, a prompt)
 * is never held. Measured: 128 KiB and two resumed per turn gave p50 9-11 ms; 16 KiB cost 40 % more
 * CPU for the same p50. One stream alone is never held (it is the first reader of every turn, and nothing
 * waits), so its rate and its 64 KiB chunks are untouched.
 */
const TURN_OUTPUT_BUDGET = PTY_READ_MAX_BYTES / 2;
/** Paused floods resumed per turn: each brings one read, plus what node buffered while it was paused. */
const RESUMED_PER_TURN = 1;
let outputThisTurn = 0;
/** Floods waiting for their turn, oldest first (a Set keeps insertion order). */
const waitingForTurn = new Set<PtyHost>();
let turnEndScheduled = false;

function endOfTurn(): void {
  turnEndScheduled = false;
  outputThisTurn = 0;
  let resumed = 0;
  for (const host of waitingForTurn) {
    if (resumed++ >= RESUMED_PER_TURN) break;
    waitingForTurn.delete(host);
    host.setPaused('turn', false);
  }
  if (waitingForTurn.size > 0) scheduleEndOfTurn();
}

function scheduleEndOfTurn(): void {
  if (turnEndScheduled) return;
  turnEndScheduled = true;
  setImmediate(endOfTurn);
}

/** Retry interval for input the pty could not take at once. */
const INPUT_RETRY_MS = 5;

const delay = (ms: number): Promise<'timeout'> =>
  new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

export class PtyHost extends Disposable {
  readonly pid: number;
  private readonly pty: pty.IPty;
  private readonly exit: Promise<PtyExit>;
  private exitInfo: PtyExit | undefined;
  private readonly pauseReasons = new Set<string>();
  private stopping: Promise<void> | undefined;
  /** The pty master's file descriptor (node-pty keeps it non-blocking). */
  private readonly fd: number;
  private readonly input: Buffer[] = [];
  private inputTimer: NodeJS.Timeout | undefined;

  /** Throws when the pty cannot be created (fork failure); a missing program shows as an early exit. */
  constructor(
    private readonly spawn: PtySpawn,
    events: PtyEvents,
  ) {
    super();
    // encoding null: node-pty hands out Buffers (its typings only know strings).
    const options = {
      name: 'xterm-256color',
      cols: spawn.cols,
      rows: spawn.rows,
      cwd: spawn.cwd,
      env: { ...spawn.env },
      encoding: null,
    };
    this.pty = pty.spawn(spawn.file, [...spawn.args], options as pty.IPtyForkOptions);
    this.pid = this.pty.pid;
    const fd = (this.pty as unknown as { fd?: unknown }).fd;
    if (typeof fd !== 'number') throw new Error('node-pty: no master fd (version changed?)');
    this.fd = fd;
    this.register(toDisposable(() => this.inputTimer && clearTimeout(this.inputTimer)));
    this.register(toDisposable(() => waitingForTurn.delete(this)));
    let resolveExit: (exit: PtyExit) => void = () => undefined;
    this.exit = new Promise((resolve) => (resolveExit = resolve));
    const data = this.pty.onData((chunk: string | Buffer) => {
      if (this.isDisposed) return;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const full = bytes.length >= FULL_READ_BYTES;
      const out = full && this.pauseReasons.size === 0 ? this.readMore(bytes) : bytes;
      events.onData(out);
      this.shareTurn(out.length, full);
    });
    // Not registered for disposal: stop() still needs to learn when the shell is gone.
    this.pty.onExit(({ exitCode, signal }) => {
      this.exitInfo = { code: exitCode, signal: signal ? signal : null };
      resolveExit(this.exitInfo);
      if (!this.isDisposed) events.onExit(this.exitInfo);
    });
    this.register(toDisposable(() => data.dispose()));
  }

  /**
   * A full read in a flood: what the pty has ready besides, read now into one chunk of up to
   * PTY_READ_MAX_BYTES. One chunk instead of sixteen pty-sized ones: everything done per chunk after
   * this (stream events, screen, prompt, frames, flow control) is done once per 64 KiB instead of once
   * per 4 KiB, and frames are bigger (half the socket writes). With plain-runs.ts's word scan it took the
   * server's CPU per 50 MB from 1.9 to 1.6 times the in-process reader's (bench/ab.ts). In order: libuv reads
   * the same fd, only later, and nothing else reads it in between. Stops at EAGAIN (nothing ready), and
   * leaves an error (EIO: the shell is gone) to node-pty's own read, which handles it.
   */
  private readMore(first: Buffer): Buffer {
    let length = first.length;
    // Floods waiting for their turn: this one takes its single read, not a head start on them.
    if (readThisTurn >= READ_MORE_PER_TURN || waitingForTurn.size > 0) return first;
    while (length <= readBuffer.length - FULL_READ_BYTES) {
      let read: number;
      try {
        read = readSync(this.fd, readBuffer, length, readBuffer.length - length, null);
      } catch {
        break;
      }
      if (read <= 0) break;
      length += read;
    }
    if (length === first.length) return first;
    countRead(length - first.length);
    // Copied out of the shared read buffer, at its exact size (it may stay queued or held for a while).
    const chunk = Buffer.allocUnsafeSlow(length);
    first.copy(chunk);
    readBuffer.copy(chunk, first.length, first.length, length);
    return chunk;
  }

  /** Counts this turn's output; a flood past the turn's budget waits for a later turn (TURN_OUTPUT_BUDGET). */
  private shareTurn(bytes: number, full: boolean): void {
    // Held only when others had the turn's budget already: the first reader of a turn never is.
    const before = outputThisTurn;
    outputThisTurn += bytes;
    scheduleEndOfTurn();
    if (!full || before < TURN_OUTPUT_BUDGET || this.isDisposed || this.stopping) return;
    waitingForTurn.add(this);
    this.setPaused('turn', true);
  }

  /** The program in the terminal's foreground (node-pty asks the pty for its foreground process group). */
  get foreground(): string | undefined {
    try {
      return this.pty.process;
    } catch {
      return undefined;
    }
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /**
   * Typed input goes straight to the pty's (non-blocking) master fd: node-pty's own write goes through
   * libuv's thread pool, a round trip that doubled keystroke echo time. What the pty cannot take now
   * (EAGAIN, a partial write: a program not reading its input) waits here, in order, and is retried.
   */
  write(data: string | Buffer): void {
    if (this.hasExited || this.isDisposed) return;
    this.input.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    if (this.input.length === 1) this.writeInput();
  }

  private writeInput(): void {
    this.inputTimer = undefined;
    while (this.input.length > 0 && !this.hasExited && !this.isDisposed) {
      const next = this.input[0] as Buffer;
      let written: number;
      try {
        written = writeSync(this.fd, next);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
          // The pty is gone (EIO, EBADF): the exit event follows; the input has nowhere to go.
          this.input.length = 0;
          return;
        }
        written = 0;
      }
      if (written < next.length) {
        this.input[0] = next.subarray(written);
        this.inputTimer = setTimeout(() => this.writeInput(), INPUT_RETRY_MS);
        return;
      }
      this.input.shift();
    }
  }

  resize(cols: number, rows: number): void {
    if (this.hasExited || this.isDisposed) return;
    try {
      this.pty.resize(cols, rows);
    } catch {
      // The fd may close between the exit and its event: nothing left to resize.
    }
  }

  /** The pty is read only while no reason to pause it remains (writer lagging, screen behind, nobody there). */
  setPaused(reason: string, paused: boolean): void {
    const before = this.pauseReasons.size > 0;
    if (paused) this.pauseReasons.add(reason);
    else this.pauseReasons.delete(reason);
    const after = this.pauseReasons.size > 0;
    if (before === after || this.hasExited) return;
    if (after) this.pty.pause();
    else this.pty.resume();
  }

  get paused(): boolean {
    return this.pauseReasons.size > 0;
  }

  /** Staged shutdown; idempotent. Resolves when the shell and every process of its session are gone. */
  stop(killAfterMs = KILL_AFTER_MS): Promise<void> {
    this.stopping ??= this.stopSession(killAfterMs);
    return this.stopping;
  }

  private async stopSession(killAfterMs: number): Promise<void> {
    const sandboxed = this.spawn.sandboxed;
    const left = (): number => labProcesses(this.pid, sandboxed).length;
    // Keep reading while stopping: a full pty would block the processes we are asking to exit.
    this.pauseReasons.clear();
    waitingForTurn.delete(this);
    if (!this.hasExited) this.pty.resume();
    if (!this.hasExited) {
      signalSession(this.pid, 'SIGHUP', sandboxed ? { sparePid: this.pid, sandboxed } : {});
      if ((await Promise.race([this.exit, delay(killAfterMs)])) === 'timeout') {
        signalSession(this.pid, 'SIGKILL', { sandboxed });
        await Promise.race([this.exit, delay(killAfterMs)]);
      }
    }
    // bwrap's PID namespace ends with the shell; without it, `nohup cmd &` outlives the shell in its session.
    if (sandboxed || left() === 0) return;
    signalSession(this.pid, 'SIGHUP');
    const deadline = Date.now() + killAfterMs;
    while (left() > 0 && Date.now() < deadline) await delay(50);
    signalSession(this.pid, 'SIGKILL');
    for (let i = 0; i < 20 && left() > 0; i++) await delay(50);
  }

  /** Stops the session (in the background) and detaches every listener; see stop() to await the end. */
  override dispose(): void {
    if (this.isDisposed) return;
    void this.stop();
    super.dispose();
  }
}
