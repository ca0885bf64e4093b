/**
 * Is the pane on screen readable? What a person at the back of the room would check: the terminal's text
 * size as drawn (its font size times the slide's scale), and the rows of output that the terminal had to
 * break because they were wider than the pane (wrappedLines: the same rule as labs:check's).
 */
import type { Page } from 'playwright-core';
import { rowsBuffer, wrappedLines } from '../../scripts/lib/wrapped-lines.ts';
import { PANE } from './deck-page.ts';

export interface PaneFit {
  readonly cols: number;
  readonly rows: number;
  /** The font as drawn on screen, CSS px. */
  readonly fontPx: number;
  /** The start of each output line the terminal wrapped (one entry per wrapped line). */
  readonly wrapped: readonly string[];
}

export async function paneFit(page: Page): Promise<PaneFit> {
  const { lines, ...fit } = await page.evaluate(async (pane) => {
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
    const lines: { isWrapped: boolean; text: string }[] = [];
    for (let y = 0; y < buffer.length; y++) {
      const line = buffer.getLine(y);
      lines.push({ isWrapped: line?.isWrapped ?? false, text: line?.translateToString(true) ?? '' });
    }
    return {
      cols: terminal.cols,
      rows: terminal.rows,
      fontPx: Math.round((terminal.options.fontSize ?? 0) * scale * 10) / 10,
      lines,
    };
  }, PANE);
  return { ...fit, wrapped: wrappedLines(rowsBuffer(lines)).map((text) => text.slice(0, 70)) };
}
