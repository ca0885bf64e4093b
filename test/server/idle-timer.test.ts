import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleTimer } from '../../src/server/idle-timer.ts';

describe('IdleTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires once nothing was typed for the whole time', () => {
    let idle = 0;
    const timer = new IdleTimer(1000, () => idle++);
    vi.advanceTimersByTime(999);
    expect(idle).toBe(0);
    vi.advanceTimersByTime(1);
    expect(idle).toBe(1);
    vi.advanceTimersByTime(5000);
    expect(idle).toBe(1);
    timer.dispose();
  });

  it('counts from the last input', () => {
    let idle = 0;
    const timer = new IdleTimer(1000, () => idle++);
    vi.advanceTimersByTime(600);
    timer.touch();
    vi.advanceTimersByTime(999);
    expect(idle).toBe(0);
    vi.advanceTimersByTime(1);
    expect(idle).toBe(1);
    timer.dispose();
  });

  it('never fires once disposed', () => {
    let idle = 0;
    const timer = new IdleTimer(1000, () => idle++);
    timer.dispose();
    vi.advanceTimersByTime(5000);
    expect(idle).toBe(0);
  });
});
