// The server's screen answers the terminal queries it parses (src/server/screen.ts): a program asking the
// cursor position or the terminal's identity gets one answer, from the server, whether a page watches or
// not. First the Screen alone, then a real shell of a real session asking through its pty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScheduler, Screen } from '../../src/server/screen.ts';
import { LabClient } from '../helpers/lab-client.ts';
import { startLabServer, type TestServer } from '../helpers/lab-server.ts';

const ESC = '\u001b';

/** The parse scheduler a lab server owns; one for this file. */
const parse = parseScheduler();

/** A screen of cols x rows and the replies it emitted, in order. */
function screenWithReplies(cols: number, rows: number): { screen: Screen; replies: string[] } {
  const replies: string[] = [];
  const screen = new Screen(
    cols,
    rows,
    parse,
    () => undefined,
    (reply) => replies.push(reply),
  );
  return { screen, replies };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Screen replies', () => {
  it('answers cursor position, status and device attributes queries, in the order they were written', async () => {
    const { screen, replies } = screenWithReplies(50, 10);
    screen.write(Buffer.from('ab\x1b[6n\r\nxyz\x1b[6n\x1b[5n\x1b[c\x1b[>c\x1b7\x1b[999;999H\x1b[6n\x1b8'));
    await until(() => replies.length === 6);
    expect(replies.slice(0, 3)).toEqual(['\x1b[1;3R', '\x1b[2;4R', '\x1b[0n']);
    // Device attributes: ESC [?…c (primary), ESC [>…c (secondary).
    expect(replies[3]).toMatch(new RegExp(`^${ESC}\\[\\?\\d+(;\\d+)*c$`));
    expect(replies[4]).toMatch(new RegExp(`^${ESC}\\[>\\d+;\\d+;\\d+c$`));
    // Sent to row 999, column 999, the cursor stops at the bottom right: the screen's size.
    expect(replies[5]).toBe('\x1b[10;50R');
    screen.dispose();
  });

  it('answers at the exact place in the stream, after a flood of plain text it only partly parsed', async () => {
    const { screen, replies } = screenWithReplies(40, 12);
    const lines = Array.from({ length: 20_000 }, (_, i) => `ligne ${i}`).join('\r\n');
    screen.write(Buffer.from(lines));
    screen.write(Buffer.from('\r\nabcd'));
    screen.write(Buffer.from('\x1b[6n'));
    await until(() => replies.length === 1);
    expect(replies).toEqual(['\x1b[12;5R']);
    screen.resize(60, 20);
    screen.write(Buffer.from('\x1b[999;999H\x1b[6n'));
    await until(() => replies.length === 2);
    expect(replies[1]).toBe('\x1b[20;60R');
    screen.dispose();
  });

  it('emits nothing without a reply handler, and nothing once disposed', async () => {
    const quiet = new Screen(20, 5, parse, () => undefined);
    quiet.write(Buffer.from('\x1b[6n'));
    expect(quiet.snapshot().cols).toBe(20);
    quiet.dispose();
    const { screen, replies } = screenWithReplies(20, 5);
    screen.write(Buffer.from('\x1b[6n'));
    screen.dispose();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(replies).toEqual([]);
  });
});

describe('a session whose program queries the terminal', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startLabServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  // Reads the answer to a size probe, then whatever else arrives within 0.5 s (a second answer would).
  const probe = `printf '\\e7\\e[999;999H\\e[6n\\e8'; IFS= read -rsd R x; IFS= read -rs -t 0.5 -n 1 y; echo "got <\${x#*[}> extra <\${y:+yes}>"\r`;

  it('gets exactly one answer, from the server, at the session size, also after a resize', async () => {
    const client = await LabClient.open(server);
    await client.attach(1, 'shell', { room: 'queries' });
    await client.waitForOutput(1, 'lab$ ');
    client.send({ type: 'input', channel: 1, data: probe });
    await client.waitForOutput(1, /got <\d+;\d+> extra <\w*>/);
    expect(client.text(1)).toContain('got <24;80> extra <>');
    client.send({ type: 'resize', channel: 1, cols: 100, rows: 30 });
    await client.next('resized', (m) => m.cols === 100);
    client.clearOutput(1);
    client.send({ type: 'input', channel: 1, data: probe });
    await client.waitForOutput(1, /got <\d+;\d+> extra <\w*>/);
    expect(client.text(1)).toContain('got <30;100> extra <>');
    await client.close();
  });
});
