/**
 * Work that many owners queue and that is done together once per event-loop turn (setImmediate): the
 * screens' parsing (screen.ts), the connections' sends (outbox.ts). One scheduler per lab server, which
 * owns it and disposes it on close, instead of module-level state shared by every server of the process
 * (the tests start several).
 */
import type { IDisposable } from './lifecycle.ts';

export class TurnScheduler<T> implements IDisposable {
  private readonly pending = new Set<T>();
  private handle: NodeJS.Immediate | undefined;
  private disposed = false;

  /**
   * `turn` does the turn's work on the pending set: it removes what is done; whatever it leaves is done
   * in a later turn.
   */
  constructor(private readonly turn: (pending: Set<T>) => void) {}

  add(item: T): void {
    if (this.disposed) return;
    this.pending.add(item);
    this.schedule();
  }

  delete(item: T): void {
    this.pending.delete(item);
  }

  dispose(): void {
    this.disposed = true;
    this.pending.clear();
    if (this.handle) clearImmediate(this.handle);
    this.handle = undefined;
  }

  private schedule(): void {
    if (this.handle || this.disposed) return;
    this.handle = setImmediate(() => {
      this.handle = undefined;
      this.turn(this.pending);
      if (this.pending.size > 0) this.schedule();
    });
  }
}
