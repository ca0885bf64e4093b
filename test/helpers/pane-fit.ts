/**
 * Is the pane on screen readable? What a person at the back of the room would check: the terminal's text
 * size as drawn (its font size times the slide's scale), and the rows of output that the terminal had to
 * break because they were wider than the pane (xterm.js marks such continuation rows `isWrapped`). A
 * command line longer than the pane is the shell's line editor at work, not output: rows that continue a
 * prompt line are not counted.
 */
import type { Page } from 'playwright-core';
import { PROMPT_LINE } from '../../src/protocol/ansi.ts';
import { PANE } from './deck-page.ts';

export interface PaneFit {
  readonly cols: number;
  readonly rows: number;
  /** The font as drawn on screen, CSS px. */
  readonly fontPx: number;
  /** The start of each output line the terminal wrapped (one entry per wrapped line). */
  readonly wrapped: readonly string[];
}

export function paneFit(page: Page): Promise<PaneFit> {
  return page.evaluate(
    async ([pane, prompt]) => {
      interface BufferLine {
        readonly isWrapped: boolean;
        translateToString(trimRight?: boolean): string;
      }
      interface PaneTerminal {
        readonly cols: number;
        readonly rows: number;
        readonly options: { readonly fontSize?: number };
        readonly buffer: { readonly active: { readonly length: number; getLine(y: number): BufferLine | undefined } };
        write(data: string, callback: () => void): void;
      }
      const element = document.querySelector<HTMLElement & { labTerminal?: PaneTerminal }>(pane);
      const terminal = element?.labTerminal;
      if (!element || !terminal) throw new Error('no pane on screen');
      // Everything written so far is parsed before the buffer is read.
      await new Promise<void>((resolve) => terminal.write('', resolve));
      const scale = element.getBoundingClientRect().width / element.offsetWidth;
      const buffer = terminal.buffer.active;
      const promptLine = new RegExp(prompt);
      const wrapped: string[] = [];
      for (let y = 1; y < buffer.length; y++) {
        // The first continuation row of a line: the line starts on the row above.
        if (!buffer.getLine(y)?.isWrapped || buffer.getLine(y - 1)?.isWrapped) continue;
        const text = buffer.getLine(y - 1)?.translateToString(true) ?? '';
        if (!promptLine.test(text)) wrapped.push(text.slice(0, 70));
      }
      return { cols: terminal.cols, rows: terminal.rows, fontPx: Math.round((terminal.options.fontSize ?? 0) * scale * 10) / 10, wrapped };
    },
    [PANE, PROMPT_LINE.source] as const,
  );
}
