/** The bench's table on stdout: one line per row, in fixed-width columns, the target's ✓ or ✗ beside it. */
import type { BenchRow } from './stats.ts';

const WIDTHS = [58, 14, 22, 7, 16];

function line(cells: readonly string[]): string {
  return cells.map((cell, i) => cell.padEnd(WIDTHS[i] ?? 10)).join(' ');
}

/** Prints the header, then each row on its own line (it measures nothing: the cases did). */
export function printTable(rows: readonly BenchRow[]): void {
  console.log(line(['measure', 'ceiling', 'lab server', 'ratio', 'target']));
  for (const row of rows)
    console.log(
      line([
        row.measure,
        row.ceiling,
        row.server,
        row.ratio,
        row.ok === null ? row.target : `${row.target} ${row.ok ? '✓' : '✗'}`,
      ]),
    );
}
