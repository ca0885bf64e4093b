import { existsSync, readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCast } from '../../src/protocol/asciicast.ts';
import { PENDING_LIMIT, type SessionRecorder } from '../../src/server/recorder.ts';
import { recordSessionToFile } from '../../src/server/session-recording.ts';
import type { Session } from '../../src/server/session.ts';
import { testRecorder } from '../helpers/cast-recorder.ts';
import { scratchDir, waitUntil } from '../helpers/lab-server.ts';

describe('CastRecorder scrubs whole lines', () => {
  it('scrubs a password typed one key at a time and echoed one key at a time', () => {
    const { r, clock, lines, events } = testRecorder();
    r.output(Buffer.from('lab$ '));
    for (const key of 'export OS_PASSWORD=hunter2\r') {
      clock.now += 80;
      r.input(key);
      clock.now += 5;
      r.output(Buffer.from(key === '\r' ? '\r\n' : key));
    }
    clock.now += 100;
    r.output(Buffer.from('OS_PASSWORD=hunter2\r\n'));
    r.flush();
    const file = lines.join('\n');
    expect(file).not.toContain('hunter2');
    expect(file).toContain('OS_PASSWORD=********');
    expect(events()).toEqual([
      { time: 0.08, code: 'i', data: 'export OS_PASSWORD=********\r' },
      { time: 0.08, code: 'o', data: 'lab$ export OS_PASSWORD=********\r\n' },
      { time: 2.395, code: 'o', data: 'OS_PASSWORD=********\r\n' },
    ]);
  });

  it('scrubs an output line split across two reads in the middle of the secret', () => {
    const { r, clock, lines, events } = testRecorder();
    clock.now += 100;
    r.output(Buffer.from('OS_PASSWORD=hun'));
    clock.now += 10;
    r.output(Buffer.from('ter2\r\nlab$ '));
    expect(lines.join('\n')).not.toContain('ter2');
    expect(events()).toEqual([{ time: 0.1, code: 'o', data: 'OS_PASSWORD=********\r\n' }]);
    r.flush();
    expect(events().at(-1)).toEqual({ time: 0.11, code: 'o', data: 'lab$ ' });
  });

  it('writes a prompt without a newline before the marker that follows it, at its own time', () => {
    const { r, clock, events } = testRecorder();
    clock.now += 200;
    r.output(Buffer.from('lab$ '));
    expect(events()).toEqual([]);
    clock.now += 300;
    r.marker('hello');
    r.input('echo run-$((40 + 2))\r');
    expect(events()).toEqual([
      { time: 0.2, code: 'o', data: 'lab$ ' },
      { time: 0.5, code: 'm', data: 'hello' },
      { time: 0.5, code: 'i', data: 'echo run-$((40 + 2))\r' },
    ]);
  });

  it('never writes a time earlier than the one before, whatever the mix of events', () => {
    const { r, clock, events } = testRecorder();
    const steps: (() => void)[] = [
      () => r.output(Buffer.from('partial ')),
      () => r.input('l'),
      () => r.output(Buffer.from('line\r\nmore')),
      () => r.input('s\r'),
      () => r.resize(100, 30),
      () => r.input('\u001b[A'),
      () => r.output(Buffer.from(' text\r\n')),
      () => r.input('ab'),
      () => r.marker('m1'),
      () => r.output(Buffer.from('x')),
      () => r.input('c'),
      () => r.resize(90, 20),
      () => r.output(Buffer.from('\n')),
    ];
    for (const [i, step] of steps.entries()) {
      clock.now += (i * 137) % 400;
      step();
    }
    r.flush();
    const times = events().map((e) => e.time);
    expect(times.length).toBeGreaterThan(8);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] ?? 0);
    expect(events().map((e) => e.code)).toEqual(['o', 'i', 'o', 'r', 'i', 'o', 'i', 'm', 'o', 'i', 'r', 'o']);
  });

  it('does not hold a long output without a newline forever', () => {
    const { r, events } = testRecorder();
    const screen = 'x'.repeat(1000);
    for (let i = 0; i * screen.length <= PENDING_LIMIT; i++) r.output(Buffer.from(screen));
    const written = events();
    expect(written).toHaveLength(1);
    expect(written[0]?.data.length).toBeGreaterThan(PENDING_LIMIT);
  });

  it('writes the held tail once on flush, nothing on a second flush', () => {
    const { r, clock, lines, events } = testRecorder();
    clock.now += 100;
    r.output(Buffer.from('done\r\nlab$ '));
    r.input('ex');
    expect(events()).toEqual([{ time: 0.1, code: 'o', data: 'done\r\n' }]);
    clock.now += 100;
    r.flush();
    const count = lines.length;
    r.flush();
    expect(lines).toHaveLength(count);
    expect(events()).toEqual([
      { time: 0.1, code: 'o', data: 'done\r\n' },
      { time: 0.1, code: 'o', data: 'lab$ ' },
      { time: 0.1, code: 'i', data: 'ex' },
    ]);
  });

  it('writes the held tail to the file when the session closes (--record)', async () => {
    const dir = scratchDir('record-tail');
    let recorder: SessionRecorder | undefined;
    let close = (): void => undefined;
    // Only what recordSessionToFile uses of a session.
    const session = {
      room: 'tail',
      lab: { id: 'shell', title: 'Shell' },
      closed: new Promise<void>((resolve) => (close = resolve)),
      record(create: (cols: number, rows: number) => SessionRecorder) {
        recorder = create(80, 24);
        return { dispose: () => undefined };
      },
    } as unknown as Session;
    try {
      const file = recordSessionToFile(session, dir);
      recorder?.output(Buffer.from('bye\r\nlab$ '));
      close();
      const text = await waitUntil(() => {
        // The stream opens the file asynchronously.
        const text = existsSync(file) && readFileSync(file, 'utf8');
        return text !== false && text.includes('"lab$ "') && text;
      }, 'the last prompt in the file');
      const parsed = parseCast(text);
      if (!parsed.ok) throw new Error(parsed.message);
      expect(parsed.cast.events.map((e) => e.data)).toEqual(['bye\r\n', 'lab$ ']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
