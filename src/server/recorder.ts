/**
 * Records a session as asciicast v2: output, the writer's input, resizes and one marker per command run
 * (labelled with the command's id). Just another viewer of the session: it sees what the pages see, never
 * slows the shell, and writes each event as one line to its sink, so a long class costs no memory.
 * Secrets are scrubbed from whole lines, idle gaps are capped so a replay never waits, and the header
 * carries no environment.
 */
import { StringDecoder } from 'node:string_decoder';
import { castEventLine, castHeaderLine, type CastEventCode, type CastHeader } from '../protocol/asciicast.ts';
import { scrubSecrets } from './scrub.ts';

/** Longest pause kept in a recording, in seconds. */
export const IDLE_TIME_LIMIT_S = 1.5;
/** Most characters held back waiting for the end of a line (a full-screen program may never print one). */
export const PENDING_LIMIT = 8 * 1024;

export interface RecorderOptions {
  readonly cols: number;
  readonly rows: number;
  readonly title: string;
  /** Receives each line of the file (header first), without its newline. */
  readonly sink: (line: string) => void;
  /** Milliseconds, monotonic; injectable so tests control time. */
  readonly now?: () => number;
  readonly idleTimeLimit?: number;
  readonly pendingLimit?: number;
}

export interface SessionRecorder {
  output(chunk: Buffer): void;
  input(data: string): void;
  resize(cols: number, rows: number): void;
  marker(label: string): void;
}

type Held = 'o' | 'i';

/** Text not written yet, with the recording time of its first character and its place in arrival order. */
interface Pending {
  readonly text: string;
  readonly time: number;
  readonly order: number;
}

/** Output is written by whole lines: up to the last '\n'. */
function afterLastNewline(text: string): number {
  return text.lastIndexOf('\n') + 1;
}

/**
 * Input is written up to its last control character (Enter, Ctrl-C…); after an ESC the rest is that key's
 * escape sequence (an arrow, the end of a paste), written with it.
 */
function afterLastControl(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    const code = text.charCodeAt(i);
    if (code < 0x20) return code === 0x1b ? text.length : i + 1;
  }
  return 0;
}

/**
 * Recordings are published with the course, so secrets must go; but a person types one key per input
 * message and the shell echoes one key per read, and a line may straddle two reads: scrubbed one event at
 * a time, `OS_PASSWORD=hunter2` would survive as 'h', 'u', 'n'… So output and input are held back until a
 * line is complete, then written as one scrubbed event at the time the line started.
 */
export class CastRecorder implements SessionRecorder {
  private readonly decoder = new StringDecoder('utf8');
  private readonly now: () => number;
  private readonly limit: number;
  private readonly cap: number;
  /** The clock (ms) and the recording time (s) at the last call. */
  private last: number;
  private time = 0;
  /** Time of the last event written: asciicast times never go backwards. */
  private written = 0;
  private arrivals = 0;
  private readonly pending: Record<Held, Pending | undefined> = { o: undefined, i: undefined };

  constructor(private readonly options: RecorderOptions) {
    this.now = options.now ?? (() => performance.now());
    this.limit = options.idleTimeLimit ?? IDLE_TIME_LIMIT_S;
    this.cap = options.pendingLimit ?? PENDING_LIMIT;
    this.last = this.now();
    const header: CastHeader = {
      version: 2,
      width: options.cols,
      height: options.rows,
      timestamp: Math.floor(Date.now() / 1000),
      title: options.title,
      idle_time_limit: this.limit,
    };
    options.sink(castHeaderLine(header));
  }

  output(chunk: Buffer): void {
    const time = this.tick();
    // A chunk may end inside a UTF-8 sequence: the decoder keeps the partial bytes for the next one.
    const text = this.decoder.write(chunk);
    if (text !== '') this.hold('o', text, time, afterLastNewline);
  }

  input(data: string): void {
    const time = this.tick();
    if (data !== '') this.hold('i', data, time, afterLastControl);
  }

  resize(cols: number, rows: number): void {
    const time = this.tick();
    this.flush();
    this.write('r', `${cols}x${rows}`, time);
  }

  /** After what was held: the replay finds a command by its marker, right before the line it typed. */
  marker(label: string): void {
    const time = this.tick();
    this.flush();
    this.write('m', label, time);
  }

  /** Writes whatever is held back, in the order it arrived; to be called before the file ends. */
  flush(): void {
    const held = (['o', 'i'] as const).flatMap((code) => {
      const pending = this.pending[code];
      return pending === undefined ? [] : [{ code, pending }];
    });
    held.sort((a, b) => a.pending.order - b.pending.order);
    for (const { code, pending } of held) {
      this.pending[code] = undefined;
      this.write(code, pending.text, pending.time);
    }
  }

  private hold(code: Held, data: string, time: number, end: (text: string) => number): void {
    const before = this.pending[code];
    const text = (before?.text ?? '') + data;
    let cut = end(text);
    if (text.length - cut > this.cap) cut = text.length;
    if (cut > 0) this.write(code, text.slice(0, cut), before?.time ?? time);
    if (cut === text.length) this.pending[code] = undefined;
    else if (cut > 0 || before === undefined)
      this.pending[code] = { text: text.slice(cut), time, order: this.arrivals++ };
    else this.pending[code] = { ...before, text };
  }

  /** The recording time now: the time since the last call, idle gaps capped. */
  private tick(): number {
    const now = this.now();
    this.time += Math.min(Math.max(now - this.last, 0) / 1000, this.limit);
    this.last = now;
    return this.time;
  }

  private write(code: CastEventCode, data: string, time: number): void {
    this.written = Math.max(this.written, time);
    this.options.sink(castEventLine({ time: this.written, code, data: scrubSecrets(data) }));
  }
}
