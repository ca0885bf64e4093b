import headless from '@xterm/headless';
import { SerializeAddon } from '@xterm/addon-serialize';
import { describe, expect, it } from 'vitest';
import { PlainRuns } from '../../src/server/plain-runs.ts';

const { Terminal } = headless;
type HeadlessTerminal = InstanceType<typeof Terminal>;

const ROWS = 8;
const COLS = 30;
const SCROLLBACK = 40;

function terminal(): { term: HeadlessTerminal; serialize: () => string } {
  const term = new Terminal({ cols: COLS, rows: ROWS, scrollback: SCROLLBACK, allowProposedApi: true });
  const addon = new SerializeAddon();
  term.loadAddon(addon as unknown as Parameters<HeadlessTerminal['loadAddon']>[0]);
  return { term, serialize: () => addon.serialize() };
}

function write(term: HeadlessTerminal, data: Uint8Array): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

/** Deterministic pseudo-random numbers, so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const PIECES: readonly ((r: () => number) => string)[] = [
  // floods of plain lines, long and short, some wider than the terminal, some non-ASCII (« é » °)
  (r) =>
    Array.from(
      { length: 200 + Math.floor(r() * 3000) },
      (_, i) => `ligne ${i} « é » ${'x'.repeat(Math.floor(r() * 45))}\r\n`,
    ).join(''),
  (r) => 'y\r\n'.repeat(1000 + Math.floor(r() * 30000)),
  (r) => `tab\there ${Math.floor(r() * 100)}\r\n`,
  () => '\x1b[31mrouge\x1b[0m ',
  () => '\x1b[1;44m',
  () => '\x1b[0m',
  (r) => `\x1b[${1 + Math.floor(r() * ROWS)};${1 + Math.floor(r() * COLS)}H`,
  () => '\x1b[2J\x1b[H',
  () => '\x1b[?1049h',
  () => '\x1b[?1049l',
  () => '\x1b[2;6r',
  () => '\x1b[r',
  () => '\x1b]0;un titre\x07',
  () => '\x1b]2;titre avec\r\nretours\x1b\\',
  () => '\x1bP1$r0m\x1b\\',
  () => '\u009b32m', // C1 CSI, UTF-8 encoded (C2 9B)
  () => 'sans retour chariot\n\n',
  () => 'abc\bd\b\b',
  () => '\x1b[4h', // insert mode
  () => '\x1b[4l',
  () => '\x1b[?7l',
  () => '\x1b[?7h',
  () => '\x1bc', // full reset
  () => '\x1b(0lqqk\x1b(B', // line drawing charset
];

function stream(seed: number): Buffer {
  const r = random(seed);
  const parts: string[] = [];
  for (let i = 0; i < 40; i++) parts.push((PIECES[Math.floor(r() * PIECES.length)] as (r: () => number) => string)(r));
  return Buffer.from(parts.join(''), 'utf8');
}

function chunks(data: Buffer, seed: number): Buffer[] {
  const r = random(seed * 7 + 1);
  const list: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    const size = 1 + Math.floor(r() * (r() < 0.2 ? 5 : 6000));
    list.push(data.subarray(at, at + size));
    at += size;
  }
  return list;
}

describe('PlainRuns', () => {
  it('leaves the terminal in exactly the state the full stream gives, while skipping most of a flood', async () => {
    let skipped = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const data = stream(seed);
      const reference = terminal();
      const filtered = terminal();
      const runs = new PlainRuns(2 * ROWS + SCROLLBACK + 2);
      let parsed = 0;
      for (const chunk of chunks(data, seed)) {
        await write(reference.term, chunk);
        for (const part of runs.feed(chunk)) {
          parsed += part.length;
          await write(filtered.term, part);
        }
      }
      for (const part of runs.flush()) {
        parsed += part.length;
        await write(filtered.term, part);
      }
      expect(filtered.serialize(), `seed ${seed}`).toBe(reference.serialize());
      expect(filtered.term.buffer.active.cursorX, `seed ${seed}`).toBe(reference.term.buffer.active.cursorX);
      expect(filtered.term.buffer.active.cursorY, `seed ${seed}`).toBe(reference.term.buffer.active.cursorY);
      skipped += data.length - parsed;
      reference.term.dispose();
      filtered.term.dispose();
    }
    // The property above would hold trivially if nothing were skipped.
    expect(skipped).toBeGreaterThan(1_000_000);
  });

  it('holds back a plain flood and hands back only its tail, starting at a carriage return', () => {
    const runs = new PlainRuns(10);
    const flood = Buffer.from(Array.from({ length: 20000 }, (_, i) => `line ${i}\r\n`).join(''));
    expect(runs.feed(flood)).toEqual([]);
    const tail = Buffer.concat(runs.flush()).toString();
    expect(tail.startsWith('\r\n')).toBe(true);
    expect(tail.endsWith('line 19999\r\n')).toBe(true);
    expect(tail.split('\n').length - 1).toBeGreaterThanOrEqual(10);
    expect(tail.length).toBeLessThan(1000);
  });

  it('cuts a flood read in pty-sized chunks in place, back to a carriage return in an earlier chunk', () => {
    const runs = new PlainRuns(10);
    // Lines ending in LF alone, a CR every 1000 lines: the cut reaches back to a CR chunks away.
    const flood = Buffer.from(
      Array.from({ length: 30000 }, (_, i) => `${i % 1000 === 0 ? '\r' : ''}line ${i}\n`).join(''),
    );
    for (let at = 0; at < flood.length; at += 4095) expect(runs.feed(flood.subarray(at, at + 4095))).toEqual([]);
    const crlf = Buffer.from(Array.from({ length: 30000 }, (_, i) => `crlf ${i}\r\n`).join(''));
    for (let at = 0; at < crlf.length; at += 4095) expect(runs.feed(crlf.subarray(at, at + 4095))).toEqual([]);
    expect(runs.heldBytes).toBeLessThan(2 * 64 * 1024);
    const tail = Buffer.concat(runs.flush()).toString();
    expect(tail.startsWith('\r')).toBe(true);
    expect(tail.endsWith('crlf 29999\r\n')).toBe(true);
    expect(tail.split('\n').length - 1).toBeGreaterThanOrEqual(10);
  });

  it('never holds bytes inside an escape sequence or string, nor while a scroll region is set', () => {
    const runs = new PlainRuns(10);
    const osc = Buffer.from(`\x1b]0;${'t\r\n'.repeat(30000)}`);
    expect(Buffer.concat(runs.feed(osc))).toEqual(osc);
    expect(runs.heldBytes).toBe(0);
    const region = Buffer.from(`\x07\x1b[2;5r${'y\r\n'.repeat(30000)}`);
    expect(Buffer.concat(runs.feed(region))).toEqual(region);
    expect(runs.heldBytes).toBe(0);
    runs.feed(Buffer.from('\x1b[r'));
    runs.feed(Buffer.from('y\r\n'.repeat(30000)));
    expect(runs.heldBytes).toBeGreaterThan(0);
  });

  it('sees a C1 control split across two chunks', () => {
    const runs = new PlainRuns(10);
    runs.feed(Buffer.from('abc\xc2', 'latin1'));
    // C2 9D is OSC: what follows is a title, not text, until BEL.
    const title = Buffer.from(`\x9d${'y\r\n'.repeat(30000)}`, 'latin1');
    expect(Buffer.concat(runs.feed(title))).toEqual(title);
    expect(runs.heldBytes).toBe(0);
  });

  it('sees every byte that is not plain text, wherever it falls in a word of the flood and its memory', () => {
    const controls = [
      ...Array.from({ length: 0x20 }, (_, b) => b).filter((b) => ![0x07, 0x09, 0x0a, 0x0d].includes(b)),
    ];
    const flood = 'y\r\n'.repeat(30000);
    for (const control of [...controls.map((b) => [b]), [0xc2, 0x9b]]) {
      // Offsets 0-7 inside the run, and the run at offsets 0-3 of its ArrayBuffer (pty reads are not aligned).
      for (let at = 0; at < 8; at++) {
        for (let shift = 0; shift < 4; shift++) {
          const runs = new PlainRuns(10);
          const data = Buffer.concat([
            Buffer.alloc(shift, 0x20),
            Buffer.from(`${'z'.repeat(at)}`),
            Buffer.from(control),
            Buffer.from(flood),
          ]);
          const chunk = data.subarray(shift);
          const parsed = Buffer.concat(runs.feed(chunk));
          const where = `byte ${control.join(' ')} at ${at}, shift ${shift}`;
          // Everything up to and including the control byte is parsed, never held back or dropped.
          expect(parsed.subarray(0, at + control.length), where).toEqual(chunk.subarray(0, at + control.length));
        }
      }
    }
  });

  it('holds back « é » and other UTF-8 text: only C2 80-9F is a control', () => {
    const runs = new PlainRuns(10);
    expect(runs.feed(Buffer.from('« été » °\r\n'.repeat(20000)))).toEqual([]);
    expect(runs.heldBytes).toBeGreaterThan(0);
  });
});
