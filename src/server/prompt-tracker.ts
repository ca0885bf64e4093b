/**
 * Is the lab's shell at its prompt? A lab's prompt starts with the OSC 133 "D" mark (protocol/ansi.ts
 * COMMAND_DONE), so the shell is at its prompt from each mark until a command is typed: by `run`, or by
 * the person's Enter at the prompt. Until then a program holds the terminal (a command still running,
 * qemu's console, `virsh console`), and a ▶ would type into it. A lab whose prompt never printed the
 * mark is never known busy: runs are typed as they come, as before the mark existed.
 */

/** ESC ] 133 ; D ; — then the exit status (at most 3 digits) and BEL. */
const MARK = Buffer.from('\u001b]133;D;', 'latin1');
const BEL = 0x07;
/** The longest mark: a tail this long (less one byte) is enough to see a mark split between chunks. */
const MAX_MARK_BYTES = MARK.length + 3 + 1;

/** What holds the terminal: nothing (the prompt), or the command typed last (its id, when ▶ typed it). */
export type PromptState =
  { readonly atPrompt: true } | { readonly atPrompt: false; readonly commandId: string | undefined };

export class PromptTracker {
  /** Output bytes after the last complete mark, at most MAX_MARK_BYTES - 1: the start of a split mark. */
  private tail = Buffer.alloc(0);
  private marked = false;
  private busy: { readonly commandId: string | undefined } | undefined;

  get state(): PromptState {
    if (!this.marked || !this.busy) return { atPrompt: true };
    return { atPrompt: false, commandId: this.busy.commandId };
  }

  /**
   * The shell's output, in order. Returns the exit status the last complete mark in it carries (the
   * status of the command that just ended, or of nothing at the first prompt), else undefined.
   */
  output(chunk: Buffer): number | undefined {
    const head = chunk.subarray(0, MAX_MARK_BYTES);
    const joined = this.tail.length > 0 ? Buffer.concat([this.tail, head]) : undefined;
    const acrossMark = joined ? lastMark(joined) : undefined;
    const inChunk = lastMark(chunk);
    const across = acrossMark
      ? { end: acrossMark.end - (joined?.length ?? 0) + head.length, status: acrossMark.status }
      : undefined;
    const mark = inChunk && (!across || inChunk.end >= across.end) ? inChunk : across;
    const end = mark?.end ?? -1;
    if (end >= 0) {
      this.marked = true;
      this.busy = undefined;
    }
    const after =
      end >= 0 ? chunk.subarray(end) : chunk.length >= MAX_MARK_BYTES - 1 ? chunk : Buffer.concat([this.tail, chunk]);
    // A copy: the tail must not pin the whole chunk.
    this.tail = Buffer.from(after.subarray(Math.max(0, after.length - (MAX_MARK_BYTES - 1))));
    return mark?.status;
  }

  /** `run` typed a command of the lab: it holds the terminal until the next mark. */
  ran(commandId: string): void {
    if (!this.busy) this.busy = { commandId };
  }

  /** The person typed: an Enter at the prompt starts a command (of unknown id) that holds the terminal. */
  typed(data: string): void {
    if (!this.busy && /[\r\n]/.test(data)) this.busy = { commandId: undefined };
  }

  /** A new shell: at its prompt until something is typed (whether its prompt marks is learnt again). */
  restarted(): void {
    this.tail = Buffer.alloc(0);
    this.busy = undefined;
  }
}

/** The last complete mark in `data`: the index just after it, and the status it carries. */
function lastMark(data: Buffer): { readonly end: number; readonly status: number } | undefined {
  let found: { end: number; status: number } | undefined;
  for (let at = data.indexOf(MARK); at >= 0; at = data.indexOf(MARK, at + 1)) {
    const digits = at + MARK.length;
    let i = digits;
    while (i < data.length && i - digits < 3 && (data[i] ?? 0) >= 0x30 && (data[i] ?? 0) <= 0x39) i++;
    if (i < data.length && data[i] === BEL && i > digits)
      found = { end: i + 1, status: Number(data.toString('latin1', digits, i)) };
  }
  return found;
}
