import { Terminal } from '@xterm/headless';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BEGIN_SYNCHRONIZED,
  END_SYNCHRONIZED,
  FLOOD_BYTES,
  FramePacer,
  PACE_MS,
  type PacedSink,
} from '../../src/client/pane/frame-pacer.ts';
import { BATCH_MAX_BYTES, PTY_READ_MAX_BYTES } from '../../src/protocol/limits.ts';

/** Records what reaches the terminal, markers as text, output as its length. */
function recordingSink(): PacedSink & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    write: (data, callback) => {
      log.push(typeof data === 'string' ? data : `${data.length}${callback ? '+cb' : ''}`);
    },
  };
}

const bytes = (length: number): Uint8Array => new Uint8Array(length).fill(0x41);

/** The test's clock: timers and performance.now() move only with `advance`. */
const clock = {
  advance: (ms: number): void => void vi.advanceTimersByTime(ms),
  pending: (): number => vi.getTimerCount(),
};

/** Resolves once xterm has parsed what it was given (its write queue may run on a timer of its own). */
async function parsedAll(terminal: Terminal): Promise<void> {
  let done = false;
  terminal.write('', () => (done = true));
  await vi.waitFor(() => {
    vi.advanceTimersByTime(0);
    expect(done).toBe(true);
  });
}

describe('FramePacer', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('writes typing, prompts and short outputs straight through, never held', () => {
    const sink = recordingSink();
    const pacer = new FramePacer(sink);
    for (let i = 0; i < 40; i++) {
      pacer.write(bytes(200));
      clock.advance(PACE_MS / 2);
    }
    expect(sink.log.every((entry) => entry === '200')).toBe(true);
    expect(pacer.holding).toBe(false);
    expect(clock.pending()).toBe(0);
  });

  it('holds a flood from the write that reaches FLOOD_BYTES, and ends the hold PACE_MS later', () => {
    const sink = recordingSink();
    const pacer = new FramePacer(sink);
    pacer.write(bytes(FLOOD_BYTES - 1));
    expect(pacer.holding).toBe(false);
    pacer.write(bytes(1), () => undefined);
    expect(pacer.holding).toBe(true);
    pacer.write(bytes(10));
    expect(sink.log).toEqual([`${FLOOD_BYTES - 1}`, BEGIN_SYNCHRONIZED, '1+cb', '10']);
    clock.advance(PACE_MS - 1);
    expect(pacer.holding).toBe(true);
    clock.advance(1);
    expect(pacer.holding).toBe(false);
    expect(sink.log.at(-1)).toBe(END_SYNCHRONIZED);
  });

  it('makes one frame per PACE_MS while the flood lasts, and none after it', () => {
    const sink = recordingSink();
    const pacer = new FramePacer(sink);
    // 64 KiB every 10 ms for a second: 6.5 MB/s, a `cat` in the pane.
    for (let t = 0; t < 1000; t += 10) {
      pacer.write(bytes(PTY_READ_MAX_BYTES));
      clock.advance(10);
    }
    const begins = sink.log.filter((entry) => entry === BEGIN_SYNCHRONIZED).length;
    const ends = sink.log.filter((entry) => entry === END_SYNCHRONIZED).length;
    expect(begins).toBeGreaterThanOrEqual(1000 / PACE_MS - 1);
    expect(begins).toBeLessThanOrEqual(1000 / PACE_MS);
    clock.advance(PACE_MS);
    expect(ends).toBeLessThanOrEqual(begins);
    expect(sink.log.filter((entry) => entry === END_SYNCHRONIZED).length).toBe(begins);
    expect(sink.log.at(-1)).toBe(END_SYNCHRONIZED);
    expect(clock.pending()).toBe(0);
  });

  it('ends a hold when disposed, once, and holds nothing after', () => {
    const sink = recordingSink();
    const pacer = new FramePacer(sink);
    pacer.write(bytes(FLOOD_BYTES));
    pacer.dispose();
    pacer.dispose();
    expect(sink.log).toEqual([BEGIN_SYNCHRONIZED, `${FLOOD_BYTES}`, END_SYNCHRONIZED]);
    expect(clock.pending()).toBe(0);
    pacer.write(bytes(FLOOD_BYTES));
    expect(sink.log.at(-1)).toBe(`${FLOOD_BYTES}`);
    expect(pacer.holding).toBe(false);
  });

  it('leaves xterm.js with every byte parsed, in order, and drawing again', async () => {
    const terminal = new Terminal({ cols: 80, rows: 5, scrollback: 1000, allowProposedApi: true });
    const pacer = new FramePacer(terminal);
    const line = (n: number): Uint8Array => new TextEncoder().encode(`ligne ${n}`.padEnd(FLOOD_BYTES, '.') + '\r\n');
    const parsed: number[] = [];
    for (let n = 1; n <= 3; n++) pacer.write(line(n), () => parsed.push(n));
    await parsedAll(terminal);
    expect(terminal.modes.synchronizedOutputMode).toBe(true);
    clock.advance(PACE_MS);
    await parsedAll(terminal);
    expect(terminal.modes.synchronizedOutputMode).toBe(false);
    expect(parsed).toEqual([1, 2, 3]);
    const text = Array.from({ length: terminal.buffer.active.length }, (_, y) =>
      terminal.buffer.active.getLine(y)?.translateToString(true),
    ).join('\n');
    expect(text.indexOf('ligne 1')).toBeLessThan(text.indexOf('ligne 2'));
    expect(text.indexOf('ligne 2')).toBeLessThan(text.indexOf('ligne 3'));
    terminal.dispose();
  });

  it('sees a flood in what one server frame can carry', () => {
    // A single batched frame (BATCH_MAX_BYTES) of a `cat` must be enough to start pacing.
    expect(FLOOD_BYTES).toBeLessThanOrEqual(BATCH_MAX_BYTES);
    expect(FLOOD_BYTES).toBeLessThanOrEqual(PTY_READ_MAX_BYTES);
  });
});
