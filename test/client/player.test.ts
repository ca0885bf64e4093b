import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCast, type Cast } from '../../src/protocol/asciicast.ts';
import { CastPlayer, type ReplaySink } from '../../src/client/replay/player.ts';

const CAST = [
  '{"version": 2, "width": 80, "height": 24}',
  '[0.0, "o", "$ "]',
  '[1.0, "m", "first"]',
  '[1.0, "i", "echo a\\r"]',
  '[1.1, "o", "echo a\\r\\na\\r\\n$ "]',
  '[2.0, "m", "second"]',
  '[2.1, "o", "echo b\\r\\nb\\r\\n$ "]',
  '[2.5, "r", "100x30"]',
  '[3.0, "o", "end"]',
].join('\n');

function cast(): Cast {
  const parsed = parseCast(CAST);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.cast;
}

/** The screen as the sink saw it: everything written since the last reset. */
function sink(): ReplaySink & { screen: string; sizes: string[] } {
  const result = {
    screen: '',
    sizes: [] as string[],
    write(data: string) {
      result.screen += data;
    },
    reset(cols: number, rows: number) {
      result.screen = '';
      result.sizes.push(`reset ${cols}x${rows}`);
    },
    resize(cols: number, rows: number) {
      result.sizes.push(`${cols}x${rows}`);
    },
  };
  return result;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CastPlayer', () => {
  it('plays in time, then ends', async () => {
    const out = sink();
    const player = new CastPlayer(cast(), out);
    expect(player.markers.map((m) => m.label)).toEqual(['first', 'second']);
    expect(player.duration).toBe(3);
    player.play();
    await vi.advanceTimersByTimeAsync(1200);
    expect(out.screen).toBe('$ echo a\r\na\r\n$ ');
    expect(player.currentStep).toBe('first');
    await vi.advanceTimersByTimeAsync(2000);
    expect(player.state).toBe('ended');
    expect(out.screen.endsWith('end')).toBe(true);
    expect(out.sizes).toEqual(['reset 80x24', '100x30']);
  });

  it('plays one step when asked, from its marker to the next one, and the next step after it', async () => {
    const out = sink();
    const player = new CastPlayer(cast(), out);
    expect(player.playStep('first')).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(player.state).toBe('paused');
    expect(player.currentStep).toBe('first');
    expect(out.screen).toBe('$ echo a\r\na\r\n$ ');
    expect(player.nextStep()).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(player.currentStep).toBe('second');
    expect(out.screen).toContain('b\r\n$ end');
    expect(player.playStep('nope')).toBe(false);
  });

  it('seeks back by resetting the terminal and writing up to the new time at once, at any speed', async () => {
    const out = sink();
    const player = new CastPlayer(cast(), out);
    player.seek(3);
    expect(player.state).toBe('ended');
    player.seek(1.5);
    expect(out.screen).toBe('$ echo a\r\na\r\n$ ');
    expect(out.sizes.filter((s) => s.startsWith('reset'))).toHaveLength(2);
    player.setSpeed(4);
    player.play();
    await vi.advanceTimersByTimeAsync(200);
    expect(out.screen).toContain('b\r\n');
    expect(player.time).toBeGreaterThanOrEqual(2.1);
  });
});
