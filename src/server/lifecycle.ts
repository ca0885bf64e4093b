/**
 * The server's side of the lifecycle: the disposables themselves live in src/protocol/lifecycle.ts, shared
 * with the page, and are re-exported here so server files keep importing their own layer; what is added
 * is Node's (an EventEmitter listener).
 */
import { toDisposable, type IDisposable } from '../protocol/lifecycle.ts';

export * from '../protocol/lifecycle.ts';

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
