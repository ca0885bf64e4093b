/**
 * What a person typed at the prompt, rebuilt from their keystrokes, for the presenter's class panel
 * ("last command"). An approximation, said as such: printable characters, Backspace, Ctrl-U and Ctrl-C
 * are followed; escape sequences (arrows, history) and Tab completion are not (the line is then marked
 * with an ellipsis). The shell, not this, decides what runs: this only names it.
 */
import { MAX_COMMAND_TEXT } from '../protocol/classroom.ts';

const ESC = '\u001b';

export class TypedLine {
  private line = '';
  /** Something was typed that this cannot follow (an arrow, history, Tab): the text may differ. */
  private approximate = false;
  /** Inside an escape sequence: skip until its final byte. */
  private escape: 'none' | 'start' | 'csi' | 'ss3' = 'none';

  /** Feeds typed data; returns each line completed by Enter in it (trimmed, possibly empty). */
  feed(data: string): string[] {
    const done: string[] = [];
    for (const char of data) {
      if (this.escape !== 'none') {
        this.skipEscape(char);
        continue;
      }
      if (char === ESC) {
        this.escape = 'start';
        this.approximate = true;
      } else if (char === '\r' || char === '\n') {
        done.push(this.take());
      } else if (char === '\u007f' || char === '\b') {
        this.line = [...this.line].slice(0, -1).join('');
      } else if (char === '\u0015' || char === '\u0003') {
        // Ctrl-U clears the line; Ctrl-C abandons it.
        this.line = '';
        this.approximate = false;
      } else if (char === '\t') {
        this.approximate = true;
      } else if (char >= ' ' && this.line.length < MAX_COMMAND_TEXT * 4) {
        this.line += char;
      }
    }
    return done;
  }

  private skipEscape(char: string): void {
    if (this.escape === 'start') {
      this.escape = char === '[' ? 'csi' : char === 'O' ? 'ss3' : 'none';
      return;
    }
    // CSI ends with a byte in @..~; SS3 with the next byte.
    if (this.escape === 'ss3' || (char >= '@' && char <= '~')) this.escape = 'none';
  }

  private take(): string {
    let text = this.line.trim();
    if (this.approximate && text !== '') text = `${text} …`;
    this.line = '';
    this.approximate = false;
    this.escape = 'none';
    return text.length > MAX_COMMAND_TEXT ? `${text.slice(0, MAX_COMMAND_TEXT - 1)}…` : text;
  }
}
