// A pane's terminal leaves the queries to the server's screen (src/client/pane/terminal-queries.ts): with
// it, xterm.js sends no answer of its own; without it, the same bytes make xterm answer each query.
// The headless xterm.js has the same parser and the same answers as the browser's.
import headless from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { leaveQueriesToServer } from '../../src/client/pane/terminal-queries.ts';

const { Terminal } = headless;

const QUERIES = [
  '\x1b[6n', // cursor position
  '\x1b[5n', // status
  '\x1b[?6n', // DEC cursor position
  '\x1b[c', // DA1
  '\x1b[>c', // DA2
  '\x1b[4$p', // DECRQM (insert mode)
  '\x1b[?7$p', // DECRQM (auto-wrap)
  '\x1bP$qm\x1b\\', // DECRQSS (SGR)
];

/** What the terminal sent back (its onData) for each query, and what it shows afterwards. */
async function answers(quiet: boolean): Promise<{ sent: string[]; shown: string }> {
  const term = new Terminal({ cols: 40, rows: 5, allowProposedApi: true });
  if (quiet) leaveQueriesToServer(term);
  const sent: string[] = [];
  term.onData((data) => sent.push(data));
  for (const query of QUERIES) await new Promise<void>((resolve) => term.write(`${query}ok `, resolve));
  const shown = term.buffer.active.getLine(0)?.translateToString(true) ?? '';
  term.dispose();
  return { sent, shown };
}

describe('leaveQueriesToServer', () => {
  it('xterm.js answers every one of these queries on its own', async () => {
    const { sent } = await answers(false);
    expect(sent).toHaveLength(QUERIES.length);
  });

  it('with it, the terminal answers none of them and still shows the text around them', async () => {
    const { sent, shown } = await answers(true);
    expect(sent).toEqual([]);
    expect(shown.trimEnd()).toBe('ok '.repeat(QUERIES.length).trimEnd());
  });

  it('disposing it gives the answers back to xterm.js', async () => {
    const term = new Terminal({ cols: 40, rows: 5, allowProposedApi: true });
    const sent: string[] = [];
    term.onData((data) => sent.push(data));
    leaveQueriesToServer(term).dispose();
    await new Promise<void>((resolve) => term.write('\x1b[2;3H\x1b[6n', resolve));
    expect(sent).toEqual(['\x1b[2;3R']);
    term.dispose();
  });
});
