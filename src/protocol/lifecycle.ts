/**
 * One owner per resource (simplified from xterm.js's common/Lifecycle.ts, itself from VS Code): an
 * owner registers its timers, listeners and children, and its one dispose() frees them all, once.
 * Here in the protocol layer, with no DOM and no Node, so that the server and the page use the same one.
 */

// This layer compiles without the DOM's and Node's types (src/protocol/tsconfig.json), yet both runtimes
// have these timers: declared for this module alone, with an opaque handle, which is all it needs. They
// are looked up when called, so test fake timers replace them as they do the real ones.
declare function setTimeout(run: () => void, ms: number): unknown;
declare function clearTimeout(handle: ReturnType<typeof setTimeout>): void;
declare function setInterval(run: () => void, ms: number): unknown;
declare function clearInterval(handle: ReturnType<typeof setInterval>): void;

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

/**
 * Holds at most one disposable that is replaced over time (a pending timer, the current socket's
 * listeners): setting a new one disposes the previous, and once the holder is disposed, whatever is set
 * is disposed at once. Registered with its owner, it dies with it (VS Code's MutableDisposable).
 */
export class MutableDisposable<T extends IDisposable = IDisposable> implements IDisposable {
  private current: T | undefined;
  private disposed = false;

  get value(): T | undefined {
    return this.current;
  }

  set value(value: T | undefined) {
    if (this.disposed) {
      value?.dispose();
      return;
    }
    if (value === this.current) return;
    const previous = this.current;
    this.current = value;
    previous?.dispose();
  }

  /** Disposes what is held, if anything; the holder stays usable. */
  clear(): void {
    this.value = undefined;
  }

  dispose(): void {
    this.disposed = true;
    const previous = this.current;
    this.current = undefined;
    previous?.dispose();
  }
}

/** A timer that dies with its owner: register it, or hold it in a MutableDisposable to replace it. */
export function disposableTimeout(ms: number, run: () => void): IDisposable {
  const timer = setTimeout(run, ms);
  return toDisposable(() => clearTimeout(timer));
}

export function disposableInterval(ms: number, run: () => void): IDisposable {
  const timer = setInterval(run, ms);
  return toDisposable(() => clearInterval(timer));
}
