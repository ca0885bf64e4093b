import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { castMarkers, parseCast } from '../../src/protocol/asciicast.ts';
import { LabClient } from '../helpers/lab-client.ts';
import { testRecorder } from '../helpers/cast-recorder.ts';
import { scratchDir, startLabServer, waitUntil } from '../helpers/lab-server.ts';

describe('CastRecorder', () => {
  it('writes an asciicast v2 header without the environment, then timed events', () => {
    const { r, clock, lines } = testRecorder(1000);
    clock.now += 250;
    r.output(Buffer.from('$ '));
    r.marker('hello');
    r.input('ls\r');
    r.resize(100, 30);
    const parsed = parseCast(lines.join('\n'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.cast.header).toMatchObject({
      version: 2,
      width: 80,
      height: 24,
      title: 'essai',
      idle_time_limit: 1.5,
    });
    expect(JSON.parse(lines[0] ?? '{}')).not.toHaveProperty('env');
    expect(parsed.cast.events).toEqual([
      { time: 0.25, code: 'o', data: '$ ' },
      { time: 0.25, code: 'm', data: 'hello' },
      { time: 0.25, code: 'i', data: 'ls\r' },
      { time: 0.25, code: 'r', data: '100x30' },
    ]);
  });

  it('caps idle gaps, keeps UTF-8 split across chunks whole and scrubs secrets', () => {
    const { r, clock, lines } = testRecorder();
    const bytes = Buffer.from('é!\r\n');
    r.output(bytes.subarray(0, 1));
    clock.now += 60_000;
    r.output(bytes.subarray(1));
    clock.now += 100;
    r.input('export OS_PASSWORD=hunter2\r');
    const parsed = parseCast(lines.join('\n'));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.cast.events).toEqual([
      { time: 1.5, code: 'o', data: 'é!\r\n' },
      { time: 1.6, code: 'i', data: 'export OS_PASSWORD=********\r' },
    ]);
  });
});

describe('recording a live session (--record)', () => {
  it('writes the screen so far, output, input and one marker per command run, labelled with its id', async () => {
    const dir = scratchDir('record');
    const server = await startLabServer({ argv: ['--record', dir] });
    try {
      const client = await LabClient.open(server);
      await client.attach(1, 'shell', { room: 'rec' });
      await client.waitForOutput(1, 'lab$ ');
      client.send({ type: 'run', channel: 1, commandId: 'hello' });
      await client.waitForOutput(1, 'run-42');
      // The output, not the echo of the typed line: once nobody is attached the session stops reading.
      client.send({ type: 'input', channel: 1, data: 'echo OS_PASSWORD=hunter$((1 + 1))\r' });
      await client.waitForOutput(1, 'OS_PASSWORD=hunter2');
      await client.close();
      const [file] = readdirSync(dir);
      expect(file).toMatch(/^rec-shell-.*\.cast$/);
      const path = join(dir, file ?? '');
      await waitUntil(
        () => readFileSync(path, 'utf8').includes('OS_PASSWORD=********\\r\\n'),
        'the scrubbed output in the file',
      );
      const parsed = parseCast(readFileSync(path, 'utf8'));
      if (!parsed.ok) throw new Error(parsed.message);
      expect(parsed.cast.header).toMatchObject({ width: 80, height: 24 });
      expect(castMarkers(parsed.cast).map((m) => m.label)).toEqual(['hello']);
      const marker = parsed.cast.events.findIndex((e) => e.code === 'm');
      expect(parsed.cast.events[marker + 1]).toMatchObject({ code: 'i', data: 'echo run-$((40 + 2))\r' });
      const output = parsed.cast.events
        .filter((e) => e.code === 'o')
        .map((e) => e.data)
        .join('');
      expect(output).toContain('run-42');
      expect(readFileSync(path, 'utf8')).not.toContain('hunter2');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
