/**
 * Ends what nobody typed into for `ms` (a session forgotten in a classroom, viewers still attached).
 * Keystrokes only note the time: the one timer, when it fires early, is re-armed for the time left,
 * instead of being cleared and set again on every key.
 */
import type { IDisposable } from './lifecycle.ts';

export class IdleTimer implements IDisposable {
  private lastInput = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {
    this.arm(ms);
  }

  /** Input came: the idle time starts again. */
  touch(): void {
    this.lastInput = Date.now();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      const idleFor = Date.now() - this.lastInput;
      if (idleFor >= this.ms) {
        this.timer = undefined;
        this.onIdle();
      } else this.arm(this.ms - idleFor);
    }, ms);
    // A forgotten session must not keep the process alive on its own.
    this.timer.unref();
  }
}
