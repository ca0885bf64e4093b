/**
 * The output lines a terminal had to wrap because they were wider than it: xterm.js marks each
 * continuation row `isWrapped`, so a wrapped line is the row above the first continuation row. A command
 * line longer than the terminal is the shell's line editor at work, not output: lines that start with a
 * prompt are left out. One loop for the headless screen of labs:check and record (page-screen.ts) and for
 * the pane in a browser (test/helpers/pane-fit.ts), so both call the same lines wrapped.
 */
import { PROMPT_LINE } from '../../src/protocol/ansi.ts';

/** The part of an xterm.js buffer (headless or in a page) the loop reads. */
export interface WrapBuffer {
  readonly length: number;
  getLine(y: number): { readonly isWrapped: boolean; translateToString(trimRight?: boolean): string } | undefined;
}

/** The start of each output line wrapped from row `from` on (0: the whole buffer), one entry per line. */
export function wrappedLines(buffer: WrapBuffer, from = 0): string[] {
  const wrapped: string[] = [];
  for (let y = Math.max(1, from + 1); y < buffer.length; y++) {
    // The first continuation row of a line: the line starts on the row above.
    if (!buffer.getLine(y)?.isWrapped || buffer.getLine(y - 1)?.isWrapped) continue;
    const text = buffer.getLine(y - 1)?.translateToString(true) ?? '';
    if (!PROMPT_LINE.test(text)) wrapped.push(text);
  }
  return wrapped;
}

/** A buffer read out of a page as plain rows (what `page.evaluate` can return), for `wrappedLines`. */
export function rowsBuffer(rows: readonly { readonly isWrapped: boolean; readonly text: string }[]): WrapBuffer {
  return {
    length: rows.length,
    getLine: (y) => {
      const row = rows[y];
      return row && { isWrapped: row.isWrapped, translateToString: () => row.text };
    },
  };
}
