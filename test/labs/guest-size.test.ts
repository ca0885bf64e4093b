// The tiny guest's console follows its pane: a serial console does not carry the terminal's size, so the
// guest's prompt asks the terminal (labs/guest/termsize) and the lab server's screen answers. Boots the
// real guest (qemu lab, TCG) through the real lab server, in its own process with the project's labs,
// from a page that answers nothing itself (as labs:check and record do), then looks at the server's screen
// of the session as a viewer's pane would show it. Builds nothing: labs/setup builds labs/guest/out.
import headless from '@xterm/headless';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_DONE, stripAnsi } from '../../src/protocol/ansi.ts';
import { LabClient } from '../helpers/lab-client.ts';
import { ROOT } from '../helpers/lab-server.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';

const { Terminal } = headless;
const out = join(ROOT, 'labs', 'guest', 'out');
const skipReason = existsSync('/usr/bin/qemu-system-x86_64') ? '' : 'qemu-system-x86_64 missing: run labs/setup as root';

const BOOT_TIMEOUT = 120_000;
const GUEST_PROMPT = /root@tiny:\/# /;
const HOST_PROMPT = /étudiant@qemu/;
const ROOM = 'guest-size';
/** Longer than 80 columns and than the pane: the line editor must wrap it at the pane's width. */
const LONG = `echo debut-${'abcdefghij'.repeat(8)}-fin`;

/** The session's screen as a pane shows it: its lines, soft-wrapped rows joined, scrollback included. */
async function shownLines(server: ServerProcess): Promise<string[]> {
  const viewer = await LabClient.open(server.target);
  const { snapshot } = await viewer.attach(9, 'qemu', { room: ROOM, mode: 'view' });
  await viewer.close();
  const term = new Terminal({ cols: snapshot.cols, rows: snapshot.rows, scrollback: 1000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(snapshot.data, resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y);
    const text = line?.translateToString(true) ?? '';
    if (line?.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  term.dispose();
  return lines;
}

describe.skipIf(skipReason !== '')(`the guest console's size follows the pane${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: ServerProcess;
  let client: LabClient;

  /** Waits for `expected` in the output since the last clear; on timeout, says what the console shows. */
  async function shows(expected: RegExp, timeoutMs: number): Promise<void> {
    try {
      await client.waitForOutput(1, expected, timeoutMs);
    } catch {
      throw new Error(`no ${String(expected)} within ${timeoutMs} ms; the console ends with:\n${JSON.stringify(client.text(1).slice(-1500))}`);
    }
  }

  /** Types a line into the guest and waits for its output and the next prompt. */
  async function guest(line: string, expected: RegExp, timeoutMs = 30_000): Promise<string> {
    client.clearOutput(1);
    client.send({ type: 'input', channel: 1, data: `${line}\r` });
    await shows(expected, timeoutMs);
    // The prompt is the last thing printed (its line editor's cursor query, ESC [6n, aside).
    await client.until(() => (stripAnsi(client.text(1)).endsWith('root@tiny:/# ') ? true : undefined), 'the next prompt', timeoutMs);
    return client.text(1).replace(/\r/g, '');
  }

  beforeAll(async () => {
    if (!existsSync(join(out, 'initrd.img'))) throw new Error(`${out} is not built: run labs/setup as root`);
    server = await spawnServer(['--grace', '60'], { labsDir: join(ROOT, 'labs') });
    client = await LabClient.open(server.target);
    // A narrow pane, as beside a slide's text: 56 columns, 30 rows.
    await client.attach(1, 'qemu', { room: ROOM, cols: 56, rows: 30 });
    await client.waitForOutput(1, HOST_PROMPT, 60_000);
    client.clearOutput(1);
    client.send({ type: 'run', channel: 1, commandId: 'img-create' });
    // Back at the prompt (its OSC 133;D mark) before the next ▶: the server refuses a run while busy.
    await client.waitForOutput(1, 'Formatting');
    await client.until(() => (COMMAND_DONE.test(client.text(1).split('Formatting')[1] ?? '') ? true : undefined), 'the prompt');
  }, 90_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('boots with line wrapping on: the banner shows whole in a pane narrower than it', async () => {
    client.clearOutput(1);
    client.send({ type: 'run', channel: 1, commandId: 'boot' });
    await shows(/-m 256 -nographic/, 10_000);
    await shows(GUEST_PROMPT, BOOT_TIMEOUT);
    const lines = await shownLines(server);
    const banner = lines.find((line) => line.includes('cours-openstack tiny cloud image'));
    expect(banner).toMatch(/^ cours-openstack tiny cloud image -- kernel \d\S+-cloud-amd64$/);
    expect(banner?.length).toBeGreaterThan(56);
    expect(lines).toContain(" login: (auto) root -- 'poweroff' to stop the VM");
  }, BOOT_TIMEOUT + 30_000);

  it('tells the guest the pane size at its prompt: stty size prints the rows and columns', async () => {
    expect(await guest('stty size', /\n\d+ \d+\r*\n/)).toMatch(/\n30 56\n/);
  }, 60_000);

  it('shows a command longer than 80 columns whole, wrapped by the guest at the pane edge', async () => {
    await guest(LONG, /\ndebut-(abcdefghij){8}-fin\r*\n/);
    const lines = await shownLines(server);
    const at = lines.findIndex((line) => line.startsWith('root@tiny:/# echo debut-'));
    // The guest's line editor breaks the line itself where the pane ends (56 columns, not 80).
    expect(lines[at]).toHaveLength(56);
    expect(`${lines[at] ?? ''}${lines[at + 1] ?? ''}`).toBe(`root@tiny:/# ${LONG}`);
    expect(lines[at + 2]).toBe(`debut-${'abcdefghij'.repeat(8)}-fin`);
  }, 60_000);

  it('follows a resize by the next prompt', async () => {
    client.send({ type: 'resize', channel: 1, cols: 100, rows: 20 });
    await client.next('resized', (m) => m.cols === 100 && m.rows === 20);
    // The size in force when a command runs is the one of the prompt it was typed at: one more prompt.
    await guest('', GUEST_PROMPT);
    expect(await guest('stty size', /\n\d+ \d+\r*\n/)).toMatch(/\n20 100\n/);
    client.send({ type: 'resize', channel: 1, cols: 70, rows: 24 });
    await client.next('resized', (m) => m.cols === 70 && m.rows === 24);
    await guest('', GUEST_PROMPT);
    expect(await guest('stty size', /\n\d+ \d+\r*\n/)).toMatch(/\n24 70\n/);
  }, 90_000);

  it('leaves qemu with Ctrl-A x, back to the lab shell', async () => {
    client.clearOutput(1);
    client.send({ type: 'input', channel: 1, data: '\x01x' });
    await client.waitForOutput(1, HOST_PROMPT, 30_000);
  }, 40_000);
});
