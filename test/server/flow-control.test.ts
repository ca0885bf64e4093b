import { describe, expect, it } from 'vitest';
import { HIGH_WATERMARK, LOW_WATERMARK } from '../../src/protocol/limits.ts';
import { AckWindow } from '../../src/server/flow-control.ts';
import { TokenBucket } from '../../src/server/rate-limit.ts';

describe('AckWindow', () => {
  it('throttles above the high watermark until acked down to the low one', () => {
    const window = new AckWindow();
    window.sent(HIGH_WATERMARK);
    expect(window.isThrottled).toBe(false);
    window.sent(1);
    expect(window.isThrottled).toBe(true);
    window.acked(HIGH_WATERMARK - LOW_WATERMARK);
    expect(window.isThrottled).toBe(true);
    window.acked(1);
    expect([window.pending, window.isThrottled]).toEqual([LOW_WATERMARK, false]);
  });

  it('heals from acks of bytes it never sent', () => {
    const window = new AckWindow();
    window.sent(10);
    window.acked(1_000_000);
    expect(window.pending).toBe(0);
  });

  it('refuses limits that could never resume', () => {
    expect(() => new AckWindow(LOW_WATERMARK, LOW_WATERMARK)).toThrow(RangeError);
    const window = new AckWindow();
    window.sent(HIGH_WATERMARK + 5);
    window.setHigh(4 * HIGH_WATERMARK);
    expect(window.isThrottled).toBe(false);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 20, () => now);
    expect(bucket.take(20)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now += 500;
    expect(bucket.take(5)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now += 60_000;
    expect(bucket.take(21)).toBe(false);
    expect(bucket.take(20)).toBe(true);
  });
});
