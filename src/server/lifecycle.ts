/**
 * One owner per resource (simplified from xterm.js's common/Lifecycle.ts, itself from VS Code): an
 * owner registers its timers, listeners and children, and its one dispose() frees them all, once.
 */

export interface IDisposable {
  dispose(): void;
}

export function toDisposable(dispose: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

/** Disposes what it holds in reverse order of registration; later additions are disposed at once. */
export class DisposableStore implements IDisposable {
  private readonly items: IDisposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends IDisposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.splice(0).reverse()) {
      // One failing cleanup must not leave the others undone.
      try {
        item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'dispose failed');
  }
}

export abstract class Disposable implements IDisposable {
  protected readonly store = new DisposableStore();

  protected register<T extends IDisposable>(item: T): T {
    return this.store.add(item);
  }

  get isDisposed(): boolean {
    return this.store.isDisposed;
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** Registers a timer so that it dies with its owner. */
export function disposableTimeout(ms: number, run: () => void): IDisposable {
  const timer = setTimeout(run, ms);
  return toDisposable(() => clearTimeout(timer));
}

export function disposableInterval(ms: number, run: () => void): IDisposable {
  const timer = setInterval(run, ms);
  return toDisposable(() => clearInterval(timer));
}

/** A listener on a Node EventEmitter, removed on dispose. */
export function listen<A extends unknown[]>(
  emitter: {
    on(event: string, listener: (...args: A) => void): unknown;
    off(event: string, listener: (...args: A) => void): unknown;
  },
  event: string,
  listener: (...args: A) => void,
): IDisposable {
  emitter.on(event, listener);
  return toDisposable(() => emitter.off(event, listener));
}
