/**
 * Paces the pane's frames during a flood. xterm.js draws once per animation frame whenever rows changed,
 * so a `cat` of 50 MB made some 48 frames a second, each relaying out and repainting every row of the
 * DOM renderer (and rastering them on the machine's other core): the frames, not the parsing, held the
 * pane to 0.3-0.45 times what the page's WebSocket delivers (bench/README.md, bench/pane-profile.ts).
 * While output comes faster than a person reads, the pacer wraps it in xterm's own synchronized output
 * (DEC mode 2026: rows are kept, not drawn, until the mode ends) and ends the mode every PACE_MS: one
 * frame per PACE_MS, and nothing is lost or reordered (the markers go through the same write queue).
 * An echo, a prompt or a command's few lines never reach FLOOD_BYTES and are drawn at the next frame,
 * as before. A program that uses mode 2026 itself sees its frames ended early at worst during a flood.
 */
import { Disposable, disposableTimeout, MutableDisposable, toDisposable } from '../../protocol/lifecycle.ts';

/** A frame at most this often during a flood (20 a second: the text still scrolls smoothly to the eye). */
export const PACE_MS = 50;
/**
 * Output within one PACE_MS past which the pane is in a flood: 320 KB/s, far above what anyone reads, far
 * below a `cat` (5-10 MB/s) or a `find /`; a server frame of output is at most 64 KiB.
 */
export const FLOOD_BYTES = 16 * 1024;

export const BEGIN_SYNCHRONIZED = '\x1b[?2026h';
export const END_SYNCHRONIZED = '\x1b[?2026l';

/** What the pacer writes to: xterm.js's Terminal.write. */
export interface PacedSink {
  write(data: string | Uint8Array, callback?: () => void): void;
}

export class FramePacer extends Disposable {
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowBytes = 0;
  /** The timer that ends the current hold; empty while nothing is held. */
  private readonly hold = this.register(new MutableDisposable());

  constructor(private readonly sink: PacedSink) {
    super();
    // Registered after the hold, so disposed before it: a hold in progress is ended, not left on.
    this.register(toDisposable(() => this.release()));
  }

  /** Writes `data` (its callback as xterm's: once parsed), held with the rest of the flood if there is one. */
  write(data: Uint8Array, callback?: () => void): void {
    const now = performance.now();
    if (now - this.windowStart >= PACE_MS) {
      this.windowStart = now;
      this.windowBytes = 0;
    }
    this.windowBytes += data.length;
    if (this.hold.value === undefined && this.windowBytes >= FLOOD_BYTES && !this.isDisposed) {
      this.sink.write(BEGIN_SYNCHRONIZED);
      this.hold.value = disposableTimeout(PACE_MS, () => this.release());
    }
    this.sink.write(data, callback);
  }

  /** Whether output is being held for the next paced frame. */
  get holding(): boolean {
    return this.hold.value !== undefined;
  }

  /** Ends the hold: xterm draws what it kept once it has parsed what came before. */
  private release(): void {
    if (this.hold.value === undefined) return;
    this.hold.clear();
    this.sink.write(END_SYNCHRONIZED);
  }
}
