import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Disposable,
  disposableInterval,
  disposableTimeout,
  DisposableStore,
  MutableDisposable,
  toDisposable,
  type IDisposable,
} from '../../src/protocol/lifecycle.ts';

/** A disposable that counts its disposals, and notes their order in `log`. */
function counted(name: string, log: string[] = []): IDisposable & { count: number } {
  const item = {
    count: 0,
    dispose: () => {
      item.count++;
      log.push(name);
    },
  };
  return item;
}

describe('toDisposable', () => {
  it('runs its cleanup once, however often it is disposed', () => {
    let runs = 0;
    const disposable = toDisposable(() => runs++);
    disposable.dispose();
    disposable.dispose();
    expect(runs).toBe(1);
  });
});

describe('DisposableStore', () => {
  it('disposes what it holds in reverse order, once', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    const items = ['a', 'b', 'c'].map((name) => store.add(counted(name, log)));
    store.dispose();
    store.dispose();
    expect(log).toEqual(['c', 'b', 'a']);
    expect(items.map((item) => item.count)).toEqual([1, 1, 1]);
    expect(store.isDisposed).toBe(true);
  });

  it('disposes at once what is added after it was disposed', () => {
    const store = new DisposableStore();
    store.dispose();
    const late = store.add(counted('late'));
    expect(late.count).toBe(1);
  });

  it('disposes every item even when one throws, then reports the failures', () => {
    const store = new DisposableStore();
    const first = store.add(counted('first'));
    store.add(
      toDisposable(() => {
        throw new Error('boom');
      }),
    );
    const last = store.add(counted('last'));
    expect(() => store.dispose()).toThrow(AggregateError);
    expect([first.count, last.count]).toEqual([1, 1]);
  });
});

describe('Disposable', () => {
  class Owner extends Disposable {
    readonly child = this.register(counted('child'));
  }

  it('frees what its subclass registered, once', () => {
    const owner = new Owner();
    expect(owner.isDisposed).toBe(false);
    owner.dispose();
    owner.dispose();
    expect(owner.isDisposed).toBe(true);
    expect(owner.child.count).toBe(1);
  });
});

describe('MutableDisposable', () => {
  it('disposes the value it held when another replaces it or it is cleared', () => {
    const holder = new MutableDisposable();
    const first = counted('first');
    const second = counted('second');
    holder.value = first;
    holder.value = first;
    expect(first.count).toBe(0);
    holder.value = second;
    expect(first.count).toBe(1);
    expect(holder.value).toBe(second);
    holder.clear();
    expect(second.count).toBe(1);
    expect(holder.value).toBeUndefined();
  });

  it('once disposed, disposes its value and whatever is set after', () => {
    const holder = new MutableDisposable();
    const held = counted('held');
    holder.value = held;
    holder.dispose();
    holder.dispose();
    expect(held.count).toBe(1);
    const late = counted('late');
    holder.value = late;
    expect(late.count).toBe(1);
    expect(holder.value).toBeUndefined();
  });
});

describe('timers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('disposableTimeout fires once when left alone', () => {
    let fired = 0;
    disposableTimeout(100, () => fired++);
    vi.advanceTimersByTime(99);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('disposableTimeout is cleared by its dispose, and so by its owner’s', () => {
    let fired = 0;
    const store = new DisposableStore();
    store.add(disposableTimeout(100, () => fired++));
    expect(vi.getTimerCount()).toBe(1);
    store.dispose();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(0);
  });

  it('disposableInterval ticks until disposed', () => {
    let ticks = 0;
    const interval = disposableInterval(10, () => ticks++);
    vi.advanceTimersByTime(35);
    expect(ticks).toBe(3);
    interval.dispose();
    vi.advanceTimersByTime(100);
    expect(ticks).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a MutableDisposable holding a timer replaces it: only the last one fires', () => {
    const fired: string[] = [];
    const holder = new MutableDisposable();
    holder.value = disposableTimeout(50, () => fired.push('first'));
    holder.value = disposableTimeout(50, () => fired.push('second'));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50);
    expect(fired).toEqual(['second']);
  });
});
