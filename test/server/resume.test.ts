import headless from '@xterm/headless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabClient } from '../helpers/lab-client.ts';
import { processesOf, startLabServer, waitUntil, type TestServer } from '../helpers/lab-server.ts';

const { Terminal } = headless;

let server: TestServer;
beforeAll(async () => {
  server = await startLabServer({ argv: ['--grace', '1.5'] });
});
afterAll(async () => {
  await server?.close();
});

/** What the pane shows after writing `parts` into a fresh xterm of this size, as a browser would. */
async function render(parts: readonly (string | Buffer)[], cols: number, rows: number) {
  const term = new Terminal({ cols, rows, scrollback: 1000, allowProposedApi: true });
  for (const part of parts) await new Promise<void>((resolve) => term.write(part, resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let y = buffer.viewportY; y < buffer.viewportY + rows; y++)
    lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
  const screen = { buffer: buffer.type, lines, cursor: [buffer.cursorX, buffer.cursorY], modes: { ...term.modes } };
  term.dispose();
  return screen;
}

describe('resume', () => {
  it('gives a reconnecting page the exact screen of a full-screen program, then the live stream', async () => {
    const before = await LabClient.open(server);
    const { snapshot: first } = await before.attach(1, 'shell', { room: 'resume', cols: 70, rows: 20 });
    await before.waitForOutput(1, 'lab$ ');
    // A file, then `less` on it: the alternate screen, reverse video status line, cursor keys mode.
    before.send({
      type: 'input',
      channel: 1,
      data: 'seq -f "ligne %g" 1 500 > f.txt; echo "shell=$$"; less -S f.txt\r',
    });
    await before.waitForOutput(1, 'ligne 19');
    before.send({ type: 'input', channel: 1, data: '/ligne 42\r' }); // search: the screen scrolls to it
    await before.waitForOutput(1, 'ligne 60');
    const shown = await render([first.data, before.bytes(1)], 70, 20);
    expect(shown.buffer).toBe('alternate');
    expect(shown.lines[0]).toBe('ligne 42');

    // The network goes away without a goodbye (laptop lid); the page reloads and attaches again.
    before.terminate();
    const after = await LabClient.open(server);
    const { attached, snapshot } = await after.attach(1, 'shell', { room: 'resume', cols: 70, rows: 20 });
    expect(attached.role).toBe('writer');
    expect(await render([snapshot.data], snapshot.cols, snapshot.rows)).toEqual(shown);

    // Live again, in the same program of the same shell.
    after.send({ type: 'input', channel: 1, data: 'q' });
    await after.waitForOutput(1, 'lab$ ');
    after.send({ type: 'input', channel: 1, data: 'echo "again=$$"\r' });
    const shell = /shell=(\d+)/.exec(before.text(1))?.[1];
    await after.waitForOutput(1, `again=${shell}`);
    await after.close();
  });

  it('ends the session once nobody came back within the grace period', async () => {
    const client = await LabClient.open(server);
    await client.attach(1, 'shell', { room: 'gone' });
    await client.waitForOutput(1, 'lab$ ');
    client.send({ type: 'input', channel: 1, data: 'sleep 1000 &\r' });
    await client.waitForOutput(1, '[1]');
    const leader = server.server.registry.find('gone', 'shell')?.pid ?? -1;
    expect(processesOf([leader]).length).toBeGreaterThan(1);
    client.terminate();
    // Still there during the grace period…
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.server.registry.find('gone', 'shell')).toBeDefined();
    // …gone after it, with every process of the shell.
    await waitUntil(() => server.server.registry.find('gone', 'shell') === undefined, 'the session to end');
    await waitUntil(() => processesOf([leader]).length === 0, 'its processes to be gone');
  });
});
