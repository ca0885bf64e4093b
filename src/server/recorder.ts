/**
 * Records a session as asciicast v2: output, the writer's input, resizes and one marker per command run
 * (labelled with the command's id). Just another viewer of the session: it sees what the pages see, never
 * slows the shell, and writes each event as one line to its sink, so a long class costs no memory.
 * Secrets are scrubbed from every event, idle gaps are capped so a replay never waits, and the header
 * carries no environment.
 */
import { StringDecoder } from 'node:string_decoder';
import { castEventLine, castHeaderLine, type CastEventCode, type CastHeader } from '../protocol/asciicast.ts';
import { scrubSecrets } from './scrub.ts';

/** Longest pause kept in a recording, in seconds. */
export const IDLE_TIME_LIMIT_S = 1.5;

export interface RecorderOptions {
  readonly cols: number;
  readonly rows: number;
  readonly title: string;
  /** Receives each line of the file (header first), without its newline. */
  readonly sink: (line: string) => void;
  /** Milliseconds, monotonic; injectable so tests control time. */
  readonly now?: () => number;
  readonly idleTimeLimit?: number;
}

export interface SessionRecorder {
  output(chunk: Buffer): void;
  input(data: string): void;
  resize(cols: number, rows: number): void;
  marker(label: string): void;
}

export class CastRecorder implements SessionRecorder {
  private readonly decoder = new StringDecoder('utf8');
  private readonly now: () => number;
  private readonly limit: number;
  private last: number;
  private time = 0;

  constructor(private readonly options: RecorderOptions) {
    this.now = options.now ?? (() => performance.now());
    this.limit = options.idleTimeLimit ?? IDLE_TIME_LIMIT_S;
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
    // A chunk may end inside a UTF-8 sequence: the decoder keeps the partial bytes for the next one.
    const text = this.decoder.write(chunk);
    if (text !== '') this.event('o', text);
  }

  input(data: string): void {
    this.event('i', data);
  }

  resize(cols: number, rows: number): void {
    this.event('r', `${cols}x${rows}`);
  }

  marker(label: string): void {
    this.event('m', label);
  }

  private event(code: CastEventCode, data: string): void {
    const now = this.now();
    this.time += Math.min((now - this.last) / 1000, this.limit);
    this.last = now;
    this.options.sink(castEventLine({ time: this.time, code, data: scrubSecrets(data) }));
  }
}
