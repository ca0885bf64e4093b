import headless from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { parseScheduler, Screen, type ScreenSnapshot } from '../../src/server/screen.ts';

/** The parse scheduler a lab server owns; one for this file. */
const parse = parseScheduler();

const { Terminal } = headless;

function snapshot(screen: Screen): Promise<ScreenSnapshot> {
  return Promise.resolve(screen.snapshot());
}

/** What a pane shows: which buffer, every line of it, the cursor, and the modes that change input. */
async function view(data: string | Buffer, cols: number, rows: number) {
  const term = new Terminal({ cols, rows, scrollback: 1000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(data, resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
  const core = (
    term as unknown as {
      _core: { coreService: { isCursorHidden: boolean }; buffer: { scrollTop: number; scrollBottom: number } };
    }
  )._core;
  const result = {
    type: buffer.type,
    lines,
    cursor: [buffer.cursorX, buffer.cursorY],
    modes: { ...term.modes },
    cursorHidden: core.coreService.isCursorHidden,
    region: [core.buffer.scrollTop, core.buffer.scrollBottom],
  };
  term.dispose();
  return result;
}

const FULL_SCREEN = [
  'prompt$ ls\r\nfichier-1  fichier-2\r\nprompt$ top\r\n',
  '\x1b[?1049h\x1b[?25l\x1b[?1h\x1b=\x1b[H\x1b[2J',
  '\x1b[1;1H\x1b[7mtop - 10:00:00 up 1 day\x1b[27m',
  '\x1b[3;5r\x1b[3;1H  PID USER\x1b[4;1H    1 root',
  '\x1b[?1000h\x1b[?1006h\x1b[4;8H',
].join('');

describe('Screen', () => {
  it('snapshots a full-screen program so that a fresh terminal shows exactly the same thing', async () => {
    const screen = new Screen(40, 10, parse, () => undefined);
    screen.write(Buffer.from(FULL_SCREEN));
    const snap = await snapshot(screen);
    const original = await view(FULL_SCREEN, 40, 10);
    expect(original.type).toBe('alternate');
    expect(original.cursorHidden).toBe(true);
    expect(original.region).toEqual([2, 4]);
    expect(await view(snap.data, snap.cols, snap.rows)).toEqual(original);
    screen.dispose();
  });

  it('snapshots the normal screen with its scrollback, colours and cursor', async () => {
    const text = `${Array.from({ length: 50 }, (_, i) => `\x1b[3${i % 8}mligne ${i}\x1b[0m`).join('\r\n')}\r\nprompt$ ec`;
    const screen = new Screen(30, 8, parse, () => undefined);
    screen.write(Buffer.from(text));
    const snap = await snapshot(screen);
    expect(await view(snap.data, 30, 8)).toEqual(await view(text, 30, 8));
    expect(snap.data).toContain('\x1b[31mligne 1');
    screen.dispose();
  });

  it('takes the snapshot between the bytes written before it and those written after', async () => {
    const screen = new Screen(30, 8, parse, () => undefined);
    screen.write(Buffer.from('avant\r\n'));
    const snap = await snapshot(screen);
    screen.write(Buffer.from('après\r\n'));
    expect(snap.data).toContain('avant');
    expect(snap.data).not.toContain('après');
    expect((await snapshot(screen)).data).toContain('après');
    screen.dispose();
  });

  it('applies a resize in stream order', async () => {
    const screen = new Screen(20, 5, parse, () => undefined);
    screen.write(Buffer.from('x'.repeat(30)));
    screen.resize(40, 5);
    screen.write(Buffer.from('\r\n' + 'y'.repeat(30)));
    const snap = await snapshot(screen);
    expect([snap.cols, snap.rows]).toEqual([40, 5]);
    const shown = await view(snap.data, 40, 5);
    // Written at 20 columns, the x's wrapped (and reflow joins them back); the y's fit on one line of 40.
    expect(shown.lines).toContain('y'.repeat(30));
    screen.dispose();
  });

  it('asks for the pty to pause while parsing falls behind, and to resume once it caught up', async () => {
    const events: boolean[] = [];
    const screen = new Screen(80, 24, parse, (behind) => events.push(behind));
    // Coloured output cannot be skipped: every byte is parsed, a bounded slice per event-loop turn.
    const coloured = Buffer.from('\x1b[32mvert\x1b[0m '.repeat(100_000));
    screen.write(coloured);
    expect(events).toEqual([true]);
    expect(screen.backlog).toBeGreaterThan(coloured.length - 10);
    await new Promise((resolve) => setImmediate(resolve));
    // One turn parsed some of it, not all: keystrokes get their turn in between.
    expect(screen.backlog).toBeGreaterThan(0);
    expect(screen.backlog).toBeLessThan(coloured.length);
    await waitFor(() => screen.backlog === 0);
    expect(events).toEqual([true, false]);
    screen.dispose();
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}
