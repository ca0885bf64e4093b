/**
 * What the pane of a page without a browser would show: a headless xterm.js at the page's terminal size,
 * fed with everything the lab prints. labs:check and record ask it which output lines the terminal had
 * to wrap, since a demo whose output is wider than the pane is unreadable on a projector.
 */
import headless from '@xterm/headless';
import { wrappedLines } from './wrapped-lines.ts';

// @xterm/headless is a CommonJS bundle whose named exports Node cannot detect: take them off the default.
const { Terminal } = headless;
/** More than a whole lab's session prints, so row numbers never shift under a check. */
const SCROLLBACK = 100_000;

export class PageScreen {
  private readonly terminal: InstanceType<typeof Terminal>;

  constructor(cols: number, rows: number) {
    this.terminal = new Terminal({ cols, rows, scrollback: SCROLLBACK, allowProposedApi: true });
  }

  get cols(): number {
    return this.terminal.cols;
  }

  write(data: string | Uint8Array): void {
    this.terminal.write(data);
  }

  /** Resolves once everything written so far is parsed. */
  flushed(): Promise<void> {
    return new Promise((resolve) => this.terminal.write('', resolve));
  }

  /** The row the cursor is on, counted from the top of the scrollback. */
  async row(): Promise<number> {
    await this.flushed();
    const buffer = this.terminal.buffer.active;
    return buffer.baseY + buffer.cursorY;
  }

  /** The start of each output line from row `from` on that the terminal wrapped; command lines excepted. */
  async wrappedSince(from: number): Promise<string[]> {
    await this.flushed();
    return wrappedLines(this.terminal.buffer.active, from);
  }

  dispose(): void {
    this.terminal.dispose();
  }
}
