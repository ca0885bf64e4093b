import { describe, expect, it } from 'vitest';
import {
  MONO_ADVANCE,
  PRINT_CONTINUED,
  PRINT_FONT_MIN_PX,
  PRINT_PAD_X_PX,
  PRINT_ROWS_MAX,
  PRINT_SLOT_MAX_PX,
  foldColumns,
  printLayout,
} from '../../src/client/pane/print-layout.ts';
import { castTranscript } from '../../src/deck/transcript.ts';
import { parseCast } from '../../src/protocol/asciicast.ts';

const ls = { id: 'ls', text: 'ls' };

/** Width a column needs to show `cols` characters at the minimum font, padding included. */
function widthAtMin(cols: number): number {
  return cols * MONO_ADVANCE * PRINT_FONT_MIN_PX + 2 * PRINT_PAD_X_PX;
}

describe('printLayout', () => {
  it('prints each command then its output, one row per line', () => {
    const layout = printLayout([ls, { id: 'pwd', text: 'pwd' }], { ls: 'a\nb', pwd: '/tmp' }, 80);
    expect(layout.rows).toEqual([
      { kind: 'command', text: '$ ls' },
      { kind: 'output', text: 'a' },
      { kind: 'output', text: 'b' },
      { kind: 'command', text: '$ pwd' },
      { kind: 'output', text: '/tmp' },
    ]);
  });

  it("fits the font to the recording's columns when its lines are narrower", () => {
    const layout = printLayout([ls], { ls: 'court' }, 96);
    expect(layout.cols).toBe(96);
    // The column is widened to hold 96 columns at the minimum font, never narrower.
    expect(layout.slotPx).toBeGreaterThanOrEqual(widthAtMin(96));
  });

  it('fits the font to the widest line when it is wider than the recording', () => {
    const wide = 'x'.repeat(100);
    const layout = printLayout([ls], { ls: `court\n${wide}` }, 70);
    expect(layout.cols).toBe(100);
    expect(layout.slotPx).toBeGreaterThanOrEqual(widthAtMin(100));
    expect(layout.rows.map((row) => row.text)).toContain(wide);
  });

  it('folds under a mark only the rows too wide for the widest column at the minimum font', () => {
    const fold = foldColumns(PRINT_SLOT_MAX_PX);
    expect(widthAtMin(fold)).toBeLessThanOrEqual(PRINT_SLOT_MAX_PX);
    expect(widthAtMin(fold + 1)).toBeGreaterThan(PRINT_SLOT_MAX_PX);
    const line = Array.from({ length: 400 }, (_, i) => String(i % 10)).join('');
    const layout = printLayout([ls], { ls: line }, 80);
    const output = layout.rows.filter((row) => row.kind === 'output');
    expect(output.length).toBeGreaterThan(1);
    expect(output.every((row) => [...row.text].length <= fold)).toBe(true);
    expect(output.slice(1).every((row) => row.continued && row.text.startsWith(PRINT_CONTINUED))).toBe(true);
    // Nothing is lost: the rows put back together are the line.
    expect(output.map((row, i) => (i === 0 ? row.text : row.text.slice(PRINT_CONTINUED.length))).join('')).toBe(line);
    expect(layout.cols).toBe(fold);
    expect(layout.slotPx).toBeLessThanOrEqual(PRINT_SLOT_MAX_PX);
  });

  it("drops a table row's padding past the column rather than folding blanks", () => {
    const fold = foldColumns(PRINT_SLOT_MAX_PX);
    const border = `+${'-'.repeat(10)}+${'-'.repeat(300)}+`;
    const padded = `| name     | ${'cirros'.padEnd(299)}|`;
    const full = `| props    | ${'k=v, '.repeat(60).padEnd(299)}|`;
    const rows = printLayout([ls], { ls: [border, padded, full].join('\n') }, 80).rows.slice(1);
    expect(rows[0]).toEqual({ kind: 'output', text: border.slice(0, fold) });
    expect(rows[1]).toEqual({ kind: 'output', text: '| name     | cirros' });
    // A row with text past the column is folded, its text kept whole.
    expect(rows[2]?.text).toBe(full.slice(0, fold));
    expect(rows.slice(3).every((row) => row.continued)).toBe(true);
    expect(
      rows
        .slice(2)
        .map((row, i) => (i === 0 ? row.text : row.text.slice(PRINT_CONTINUED.length)))
        .join(''),
    ).toBe(full);
  });

  it('folds for a narrower column when the slide text needs the room', () => {
    const line = 'y'.repeat(100);
    const layout = printLayout([ls], { ls: line }, 80, 480);
    const fold = foldColumns(480);
    expect(fold).toBeLessThan(100);
    expect(layout.rows[1]).toEqual({ kind: 'output', text: 'y'.repeat(fold) });
    expect(layout.slotPx).toBeLessThanOrEqual(480);
  });

  it('cuts the longest output when the rows would not fit the page, and says how many lines', () => {
    const long = Array.from({ length: 60 }, (_, i) => `ligne ${i}`).join('\n');
    const layout = printLayout([ls, { id: 'df', text: 'df' }], { ls: long, df: 'un\ndeux' }, 80);
    expect(layout.rows).toHaveLength(PRINT_ROWS_MAX);
    const kept = layout.rows.filter((row) => row.text.startsWith('ligne ')).length;
    expect(layout.rows).toContainEqual({ kind: 'more', text: `[… ${60 - kept} lignes de plus]` });
    // The short output is whole.
    expect(layout.rows.slice(-3).map((row) => row.text)).toEqual(['$ df', 'un', 'deux']);
  });

  it("carries the build's own cut into its count", () => {
    const lines = Array.from({ length: 70 }, (_, i) => `l${i}\r\n`).join('');
    const parsed = parseCast(
      [
        JSON.stringify({ version: 2, width: 80, height: 24 }),
        JSON.stringify([0, 'm', 'ls']),
        JSON.stringify([0.1, 'o', `ls\r\n${lines}$ `]),
      ].join('\n'),
    );
    if (!parsed.ok) throw new Error(parsed.message);
    const transcript = Object.fromEntries(castTranscript(parsed.cast));
    const rows = printLayout([ls], transcript, 80).rows;
    const shown = rows.filter((row) => row.kind === 'output').length;
    expect(rows.at(-1)).toEqual({ kind: 'more', text: `[… ${70 - shown} lignes de plus]` });
  });
});
