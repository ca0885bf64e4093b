/**
 * What a demo slide prints in place of its terminal, as rows of text: each command, then what it printed
 * in the recording. Pure: print-view.ts renders the rows and hands the sizes below to print.css.
 *
 * A printed row is never wrapped by the page: the font is fitted to the widest row or to the recording's
 * columns, whichever is wider, and the column widens in print so that font stays at PRINT_FONT_MIN_PX or
 * more. Only a row wider than the column can hold at that size is folded, here, under a visible mark (the
 * column stays narrower when the slide's text needs the room); only a transcript taller than the page is
 * cut, and the cut says how many lines it left out.
 */
import type { RunnableCommand } from '../../protocol/lab-command.ts';

/** The smallest printed transcript font: 9.5 px of the 1210 px page, about 7.1 pt. */
export const PRINT_FONT_MIN_PX = 9.5;
/** The largest: the slide's own code size, so a short transcript does not shout. */
export const PRINT_FONT_MAX_PX = 16;
/** Fira Mono's advance, in em: every character of the transcript is this wide (1ch = 0.6em). */
export const MONO_ADVANCE = 0.6;
/** The transcript's padding (print.css reads these through the variables print-view.ts sets). */
export const PRINT_PAD_X_PX = 12;
export const PRINT_PAD_Y_PX = 10;
export const PRINT_LINE_HEIGHT = 1.25;
/**
 * The widest the transcript's column grows to on a 1210 px slide (60 px margins, 24 px gap): 660 px
 * leaves the slide's text about 400 px, and holds 111 columns at the minimum font.
 */
export const PRINT_SLOT_MAX_PX = 660;
/** Rows that fit in the column's 615 px height (681 px slide less theme.css's padding) at the minimum font. */
export const PRINT_ROWS_MAX = 48;
/** Half a column of slack: text measured to the pixel must not lose its last character to rounding. */
export const PRINT_SLACK_COLS = 0.5;

/** Below this, folding would cut words into crumbs: a column this narrow is the slide's problem, not ours. */
const MIN_FOLD_COLS = 20;

/** The columns a row may take in a column `slotPx` wide before it is folded: what it holds at the minimum font. */
export function foldColumns(slotPx: number): number {
  return Math.max(
    MIN_FOLD_COLS,
    Math.floor((slotPx - 2 * PRINT_PAD_X_PX) / (MONO_ADVANCE * PRINT_FONT_MIN_PX) - PRINT_SLACK_COLS),
  );
}

/** The mark that starts the rest of a folded row. */
export const PRINT_CONTINUED = '↪ ';
/** The note transcript.ts (the build) leaves under an output it cut: its count is carried into ours. */
const MORE = /^\[… (\d+) lignes? de plus\]$/;

export type PrintRowKind = 'command' | 'output' | 'more';

export interface PrintRow {
  readonly kind: PrintRowKind;
  readonly text: string;
  /** The rest of the previous row, folded: its text starts with PRINT_CONTINUED. */
  readonly continued?: true;
}

export interface PrintLayout {
  readonly rows: readonly PrintRow[];
  /** Columns the font is fitted to: the widest row or the recording's width, whichever is wider. */
  readonly cols: number;
  /** Width the column needs so that font is at least PRINT_FONT_MIN_PX, capped at PRINT_SLOT_MAX_PX. */
  readonly slotPx: number;
}

/** A command line of the slide, as the print view lists it. */
export type PrintCommand = RunnableCommand;

function width(text: string): number {
  return [...text].length;
}

function moreRow(count: number): PrintRow {
  return { kind: 'more', text: `[… ${count} ${count === 1 ? 'ligne' : 'lignes'} de plus]` };
}

/** What is left of a table's row past its widest cell: padding and borders, no text. */
const TABLE_PADDING = /^[\s|+=-]*$/;

/** One logical line as printed rows: folded at `cols`, each further row under the ↪ mark. */
function fold(kind: 'command' | 'output', line: string, cols: number): PrintRow[] {
  const chars = [...line];
  if (chars.length <= cols) return [{ kind, text: line }];
  // The openstack client pads every row of a table to its widest cell: past the column, most rows carry
  // only that padding and the closing border, which are dropped rather than folded into rows of blanks.
  if (TABLE_PADDING.test(chars.slice(cols).join(''))) return [{ kind, text: chars.slice(0, cols).join('').trimEnd() }];
  const rows: PrintRow[] = [{ kind, text: chars.slice(0, cols).join('') }];
  const rest = cols - width(PRINT_CONTINUED);
  for (let i = cols; i < chars.length; i += rest) {
    rows.push({ kind, text: PRINT_CONTINUED + chars.slice(i, i + rest).join(''), continued: true });
  }
  return rows;
}

interface Block {
  readonly command: PrintRow[];
  /** Output lines, each folded into rows; a line is kept or cut whole. */
  lines: PrintRow[][];
  /** Lines left out, by the build or here. */
  left: number;
}

function block(command: PrintCommand, output: string | undefined, cols: number): Block {
  const lines = output === undefined || output === '' ? [] : output.split('\n');
  const note = MORE.exec(lines.at(-1) ?? '');
  if (note) lines.pop();
  return {
    command: fold('command', `$ ${command.text}`, cols),
    lines: lines.map((line) => fold('output', line, cols)),
    left: note ? Number(note[1]) : 0,
  };
}

function rowCount(b: Block): number {
  return b.command.length + b.lines.reduce((sum, rows) => sum + rows.length, 0) + (b.left > 0 ? 1 : 0);
}

/** Cuts the longest outputs, a line at a time from their end, until every row fits on the page. */
function fitRows(blocks: Block[]): void {
  let total = blocks.reduce((sum, b) => sum + rowCount(b), 0);
  while (total > PRINT_ROWS_MAX) {
    const longest = blocks.reduce<Block | undefined>(
      (best, b) => (b.lines.length > (best?.lines.length ?? 0) ? b : best),
      undefined,
    );
    const dropped = longest?.lines.pop();
    if (!longest || !dropped) return;
    total -= dropped.length + (longest.left === 0 ? -1 : 0);
    longest.left += 1;
  }
}

/**
 * The rows of a slide's transcript and the column they want, for a column at most `slotMaxPx` wide
 * (print-view.ts narrows it when the slide's text would not fit beside a wider one).
 */
export function printLayout(
  commands: readonly PrintCommand[],
  transcript: Readonly<Record<string, string>>,
  castCols: number,
  slotMaxPx: number = PRINT_SLOT_MAX_PX,
): PrintLayout {
  const foldCols = foldColumns(slotMaxPx);
  const blocks = commands.map((command) => block(command, transcript[command.id], foldCols));
  fitRows(blocks);
  const rows = blocks.flatMap((b) => [...b.command, ...b.lines.flat(), ...(b.left > 0 ? [moreRow(b.left)] : [])]);
  const widest = rows.reduce((max, row) => Math.max(max, width(row.text)), 0);
  // Past foldCols the font would go under the minimum: rows are folded there, the font stays at it.
  const cols = Math.min(Math.max(widest, castCols), foldCols);
  const needed = (cols + PRINT_SLACK_COLS) * MONO_ADVANCE * PRINT_FONT_MIN_PX + 2 * PRINT_PAD_X_PX;
  return { rows, cols, slotPx: Math.min(Math.ceil(needed), slotMaxPx) };
}
