/**
 * The session's screen as the pane should show it: a headless xterm.js fed with every pty byte (most of
 * a plain-text flood is skipped safely, see plain-runs.ts), serialized with the SerializeAddon when a
 * page attaches, reconnects or catches up. Full-screen programs (top, vim, a VM console) come back with
 * the alternate screen, the cursor and the modes they set.
 *
 * Parsing is ours to schedule, not xterm's: xterm's own write() parses in slices of up to 12 ms per
 * terminal, and fifty terminals' slices run back to back in one timers phase (half a second with no
 * keystroke relayed). Here every screen queues its bytes and one scheduler parses them, round-robin,
 * at most PARSE_BUDGET_MS per event-loop turn, with xterm's synchronous write. A snapshot or a resize
 * first parses that screen's queue at once, so both apply at their exact place in the stream.
 *
 * The screen also answers the terminal queries it parses (cursor position ESC [6n, status ESC [5n, device
 * attributes ESC [c and ESC [>c, mode and setting requests): xterm emits its replies on onData, handed to
 * `onReply` for the pty. The panes no longer answer (src/client/pane/terminal-queries.ts), so exactly one
 * answer reaches the program whoever watches, even nobody (labs:check, record). A reply is emitted when
 * its query is parsed: parsing follows the stream in order and a query is never held back (only plain
 * text is, and a query holds ESC), so it comes within one event-loop turn unless the screen is behind.
 */
import { createRequire } from 'node:module';
import type * as SerializeModule from '@xterm/addon-serialize';
import type { SerializeAddon } from '@xterm/addon-serialize';
import type * as HeadlessModule from '@xterm/headless';
import type { Terminal as HeadlessTerminal } from '@xterm/headless';
import { SCREEN_HIGH_WATERMARK, SCREEN_LOW_WATERMARK, SNAPSHOT_SCROLLBACK } from '../protocol/limits.ts';
import { Disposable, toDisposable } from './lifecycle.ts';
import { PlainRuns } from './plain-runs.ts';
import { TurnScheduler } from './turn-scheduler.ts';

/**
 * xterm's headless terminal and its serializer, loaded when the first screen is made, not at start: an
 * idle server (nobody has opened a terminal yet) then does without them (a few MiB of resident memory
 * and its start-up time). Both are CommonJS bundles, so a synchronous require does it.
 */
interface Xterm {
  readonly Terminal: typeof HeadlessTerminal;
  readonly SerializeAddon: typeof SerializeAddon;
}
let xterm: Xterm | undefined;
function loadXterm(): Xterm {
  if (!xterm) {
    const require = createRequire(import.meta.url);
    const headless = require('@xterm/headless') as typeof HeadlessModule;
    const serialize = require('@xterm/addon-serialize') as typeof SerializeModule;
    xterm = { Terminal: headless.Terminal, SerializeAddon: serialize.SerializeAddon };
  }
  return xterm;
}

export interface ScreenSnapshot {
  readonly data: string;
  readonly cols: number;
  readonly rows: number;
}

/** Parsing time per event-loop turn, shared by every screen: I/O (keystrokes) runs in between. */
const PARSE_BUDGET_MS = 2;
/** Largest piece handed to xterm at once, so one screen cannot overrun the budget by much. */
const PARSE_SLICE_BYTES = 16 * 1024;

/** xterm's synchronous write (internal, pinned @xterm/headless 6.1.0-beta.335; the screen tests fail if it moves). */
type WriteSync = (data: Uint8Array) => void;

/** The screens with bytes to parse, parsed round-robin a slice at a time within PARSE_BUDGET_MS a turn. */
export type ParseScheduler = TurnScheduler<Screen>;

export function parseScheduler(): ParseScheduler {
  return new TurnScheduler<Screen>((pending) => {
    const deadline = performance.now() + PARSE_BUDGET_MS;
    while (pending.size > 0 && performance.now() < deadline) {
      for (const screen of [...pending]) {
        if (!screen.parseSlice()) pending.delete(screen);
        if (performance.now() >= deadline) break;
      }
    }
  });
}

function keepLinesFor(rows: number): number {
  return 2 * rows + SNAPSHOT_SCROLLBACK + 2;
}

/**
 * State the SerializeAddon (0.15 beta) leaves out, read from xterm's internals (pinned @xterm/headless 6.1 beta;
 * test/server/screen.test.ts fails if they move): hidden cursor, scroll region, SGR mouse encoding.
 * Appended after the serialized screen, then the cursor is put back where DECSTBM moved it from.
 */
function extraState(terminal: HeadlessTerminal): string {
  const core = (terminal as unknown as { _core?: Record<string, unknown> })._core;
  const coreService = core?.['coreService'] as { isCursorHidden?: unknown } | undefined;
  const mouse = core?.['coreMouseService'] as { activeEncoding?: unknown } | undefined;
  const buffer = core?.['buffer'] as { scrollTop?: unknown; scrollBottom?: unknown } | undefined;
  let extra = '';
  if (mouse?.activeEncoding === 'SGR') extra += '\x1b[?1006h';
  const top = buffer?.scrollTop;
  const bottom = buffer?.scrollBottom;
  if (typeof top === 'number' && typeof bottom === 'number' && (top !== 0 || bottom !== terminal.rows - 1)) {
    const active = terminal.buffer.active;
    const origin = terminal.modes.originMode;
    const row = active.cursorY - (origin ? top : 0) + 1;
    extra += `\x1b[${top + 1};${bottom + 1}r\x1b[${row};${active.cursorX + 1}H`;
  }
  if (coreService?.isCursorHidden === true) extra += '\x1b[?25l';
  return extra;
}

export class Screen extends Disposable {
  private readonly terminal: HeadlessTerminal;
  private readonly writeSync: WriteSync;
  private readonly serializer: SerializeAddon;
  private readonly runs: PlainRuns;
  /** Bytes waiting to be parsed, in order. */
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private behind = false;
  /** Bumped by every write and resize: a snapshot taken at the same generation is reused. */
  private generation = 0;
  private cached: (ScreenSnapshot & { readonly generation: number }) | undefined;

  constructor(
    cols: number,
    rows: number,
    /** The lab server's: parses every screen's queue, a turn at a time. */
    private readonly scheduler: ParseScheduler,
    /** Told when parsing falls behind (pause the pty) and when it has caught up. */
    private readonly onBehind: (behind: boolean) => void,
    /** Gets the replies to the queries parsed: only the session's live screen should have one. */
    onReply?: (reply: string) => void,
  ) {
    super();
    // logLevel error: xterm warns once that writeSync is "unreliable" (it is, with async parser hooks,
    // which a headless terminal without addons does not have).
    const { Terminal, SerializeAddon } = loadXterm();
    this.serializer = new SerializeAddon();
    this.terminal = new Terminal({
      cols,
      rows,
      scrollback: SNAPSHOT_SCROLLBACK,
      allowProposedApi: true,
      logLevel: 'error',
    });
    const core = (this.terminal as unknown as { _core?: { writeSync?: unknown } })._core;
    if (typeof core?.writeSync !== 'function')
      throw new Error('@xterm/headless: writeSync not found (version changed?)');
    this.writeSync = (core.writeSync as WriteSync).bind(core);
    // The SerializeAddon is typed against @xterm/xterm's Terminal; the headless one has the same API.
    this.terminal.loadAddon(this.serializer as unknown as Parameters<HeadlessTerminal['loadAddon']>[0]);
    this.runs = new PlainRuns(keepLinesFor(rows));
    if (onReply) this.register(this.terminal.onData(onReply));
    this.register(
      toDisposable(() => {
        scheduler.delete(this);
        this.queue.length = 0;
        this.terminal.dispose();
      }),
    );
  }

  get cols(): number {
    return this.terminal.cols;
  }

  get rows(): number {
    return this.terminal.rows;
  }

  /** Bytes queued for parsing (held-back plain text not included). */
  get backlog(): number {
    return this.queuedBytes;
  }

  write(chunk: Buffer): void {
    for (const part of this.runs.feed(chunk)) this.enqueue(part);
  }

  /** Resizes in stream order: bytes written before are parsed at the old size. */
  resize(cols: number, rows: number): void {
    this.drain();
    this.generation++;
    this.runs.setKeepLines(keepLinesFor(rows));
    this.terminal.resize(cols, rows);
  }

  /** The screen exactly as it is after every byte written so far. */
  snapshot(): ScreenSnapshot {
    this.drain();
    if (this.cached?.generation !== this.generation) {
      const data = this.serializer.serialize({ scrollback: SNAPSHOT_SCROLLBACK }) + extraState(this.terminal);
      this.cached = { generation: this.generation, data, cols: this.terminal.cols, rows: this.terminal.rows };
    }
    return this.cached;
  }

  /** Parses one slice of the queue (called by the scheduler); false once nothing is left. */
  parseSlice(): boolean {
    const next = this.queue.shift();
    if (!next || this.isDisposed) return false;
    let piece = next;
    if (next.length > PARSE_SLICE_BYTES) {
      piece = next.subarray(0, PARSE_SLICE_BYTES);
      this.queue.unshift(next.subarray(PARSE_SLICE_BYTES));
    }
    this.queuedBytes -= piece.length;
    this.writeSync(piece);
    if (this.behind && this.queuedBytes <= SCREEN_LOW_WATERMARK) {
      this.behind = false;
      this.onBehind(false);
    }
    return this.queue.length > 0;
  }

  /** Parses everything written so far, held-back plain text included, now. */
  private drain(): void {
    for (const part of this.runs.flush()) this.enqueue(part);
    while (this.parseSlice());
    this.scheduler.delete(this);
  }

  private enqueue(bytes: Buffer): void {
    if (this.isDisposed) return;
    this.generation++;
    this.queue.push(bytes);
    this.queuedBytes += bytes.length;
    this.scheduler.add(this);
    if (!this.behind && this.queuedBytes > SCREEN_HIGH_WATERMARK) {
      this.behind = true;
      this.onBehind(true);
    }
  }
}
