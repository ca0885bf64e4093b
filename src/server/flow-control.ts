/**
 * Acknowledged-bytes windows (VS Code's scheme, in bytes): each attachment counts the output bytes sent
 * to its page and not yet acked. The writer's window pauses the pty above HIGH_WATERMARK and resumes it
 * at LOW_WATERMARK; a viewer's window only decides whether that viewer keeps up (see session.ts).
 */
import { ACK_SIZE, HIGH_WATERMARK, LOW_WATERMARK } from '../protocol/limits.ts';

export class AckWindow {
  private unacked = 0;
  private throttled = false;

  constructor(
    private high: number = HIGH_WATERMARK,
    private readonly low: number = LOW_WATERMARK,
  ) {
    this.setHigh(high);
  }

  /** A page changing role (writer <-> viewer) keeps its unacked count under the other role's limit. */
  setHigh(high: number): void {
    if (!(ACK_SIZE <= this.low && this.low < high)) throw new RangeError('ACK_SIZE <= low < high');
    this.high = high;
    this.throttled = this.unacked > high;
  }

  /** Bytes sent and not acked yet. */
  get pending(): number {
    return this.unacked;
  }

  /**
   * Above `high` until acked down to `low`: the hysteresis keeps a pty from flapping between pause and
   * resume on every ack.
   */
  get isThrottled(): boolean {
    return this.throttled;
  }

  sent(bytes: number): void {
    this.unacked += bytes;
    if (this.unacked > this.high) this.throttled = true;
  }

  /** Clamped at zero: a page that acks more than it got (a bug, a reset) heals instead of going negative. */
  acked(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    if (this.unacked <= this.low) this.throttled = false;
  }

  reset(): void {
    this.unacked = 0;
    this.throttled = false;
  }
}
