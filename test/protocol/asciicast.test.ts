import { describe, expect, it } from 'vitest';
import {
  castDuration,
  castEventLine,
  castHeaderLine,
  castMarkers,
  parseCast,
  parseResize,
} from '../../src/protocol/asciicast.ts';

const HEADER = '{"version": 2, "width": 80, "height": 24, "timestamp": 1700000000, "env": {"SHELL": "/bin/bash"}}';

describe('parseCast', () => {
  it('reads the header and the events, skipping codes it does not know', () => {
    const text = [
      HEADER,
      '[0.1, "o", "$ "]',
      '[0.5, "m", "img-create"]',
      '[0.6, "i", "ls\\r"]',
      '[0.7, "x", "future"]',
      '[1.0, "r", "100x30"]',
      '',
    ].join('\n');
    const parsed = parseCast(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.cast.header).toEqual({ version: 2, width: 80, height: 24, timestamp: 1700000000 });
    expect(parsed.cast.events.map((e) => e.code)).toEqual(['o', 'm', 'i', 'r']);
    expect(castMarkers(parsed.cast)).toEqual([{ time: 0.5, label: 'img-create', index: 1 }]);
    expect(castDuration(parsed.cast)).toBe(1);
  });

  it('names the line of a truncated or malformed file and keeps what came before', () => {
    const truncated = parseCast([HEADER, '[0.1, "o", "a"]', '[0.2, "o", "b'].join('\n'));
    expect(truncated).toMatchObject({ ok: false, line: 3, message: expect.stringContaining('truncated') });
    if (!truncated.ok) expect(truncated.partial?.events).toHaveLength(1);
    expect(parseCast('')).toMatchObject({ ok: false, line: 1 });
    expect(parseCast('<html>404</html>')).toMatchObject({
      ok: false,
      line: 1,
      message: expect.stringContaining('header'),
    });
    expect(parseCast('{"version": 1, "width": 80, "height": 24}')).toMatchObject({
      ok: false,
      message: expect.stringContaining('v2 or v3'),
    });
    expect(parseCast('{"version": 2, "width": -1, "height": 24}')).toMatchObject({
      ok: false,
      message: expect.stringContaining('width'),
    });
    expect(parseCast([HEADER, '[1, "o", "a"]', '[0.5, "o", "b"]'].join('\n'))).toMatchObject({
      ok: false,
      line: 3,
      message: expect.stringContaining('backwards'),
    });
    expect(parseCast([HEADER, '[1, "o"]'].join('\n'))).toMatchObject({ ok: false, line: 2 });
  });

  it('reads asciicast v3 (asciinema 3): the size under term, intervals, comments, the exit event', () => {
    const text = [
      '{"version": 3, "term": {"cols": 160, "rows": 40, "type": "xterm-256color"}, "timestamp": 1700000000, "idle_time_limit": 2}',
      '# a comment line, as asciinema 3 allows',
      '[0.25, "o", "$ "]',
      '[0.5, "m", "first"]',
      '[1.25, "o", "done\\r\\n"]',
      '[0, "r", "100x30"]',
      '[0.5, "x", "0"]',
      '',
    ].join('\n');
    const parsed = parseCast(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.cast.header).toEqual({
      version: 3,
      width: 160,
      height: 40,
      timestamp: 1700000000,
      idle_time_limit: 2,
    });
    expect(parsed.cast.events.map((e) => [e.time, e.code])).toEqual([
      [0.25, 'o'],
      [0.75, 'm'],
      [2, 'o'],
      [2, 'r'],
    ]);
    expect(castMarkers(parsed.cast)).toEqual([{ time: 0.75, label: 'first', index: 1 }]);
    expect(parseCast('{"version": 3, "term": {"cols": 80}}')).toMatchObject({
      ok: false,
      message: expect.stringContaining('term.rows'),
    });
    expect(parseCast('{"version": 3, "term": {"cols": 80, "rows": 24}}\n[-1, "o", "a"]')).toMatchObject({
      ok: false,
      line: 2,
    });
  });

  it('round-trips what castHeaderLine and castEventLine write', () => {
    const text = [
      castHeaderLine({ version: 2, width: 100, height: 30, title: 'qemu' }),
      castEventLine({ time: 1.23456789, code: 'o', data: 'é\u001b[0m' }),
    ].join('\n');
    const parsed = parseCast(text);
    expect(parsed.ok && parsed.cast.events[0]).toEqual({ time: 1.234568, code: 'o', data: 'é\u001b[0m' });
  });
});

describe('parseResize', () => {
  it('reads COLSxROWS and refuses anything else', () => {
    expect(parseResize('120x36')).toEqual({ cols: 120, rows: 36 });
    expect(parseResize('0x36')).toBeUndefined();
    expect(parseResize('120 36')).toBeUndefined();
  });
});
