/**
 * asciicast, the format of asciinema: a JSON header line, then one JSON array per event, `[time, code,
 * data]`. The server writes v2 (https://docs.asciinema.org/manual/asciicast/v2/: times from the start);
 * the replay pane and the print view also read v3, the default of asciinema 3
 * (https://docs.asciinema.org/manual/asciicast/v3/: the size under `term`, each time an interval since
 * the previous event, `#` comment lines), and both become the same Cast, in times from the start.
 * Parsing never throws: a malformed or truncated file gives an error naming the line, with what could
 * be read before it, so the pane can still say something useful.
 */

export type CastEventCode = 'o' | 'i' | 'r' | 'm';

export interface CastHeader {
  /** The file's version; its times are from the start either way once parsed. */
  readonly version: 2 | 3;
  readonly width: number;
  readonly height: number;
  readonly timestamp?: number;
  readonly title?: string;
  readonly idle_time_limit?: number;
}

export interface CastEvent {
  readonly time: number;
  readonly code: CastEventCode;
  readonly data: string;
}

export interface Cast {
  readonly header: CastHeader;
  readonly events: readonly CastEvent[];
}

export interface CastMarker {
  readonly time: number;
  readonly label: string;
  /** Index of the marker event in `events`. */
  readonly index: number;
}

export type CastParse =
  | { readonly ok: true; readonly cast: Cast }
  | { readonly ok: false; readonly message: string; readonly line: number; readonly partial: Cast | undefined };

const CODES: readonly string[] = ['o', 'i', 'r', 'm'] satisfies CastEventCode[];

function isCode(code: string): code is CastEventCode {
  return CODES.includes(code);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDimension(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 1000;
}

function parseHeader(line: string): CastHeader | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'the first line is not JSON (an asciicast v2 file starts with its header)';
  }
  if (!isRecord(value)) return 'the header is not a JSON object';
  const version = value['version'];
  if (version !== 2 && version !== 3) return `version ${JSON.stringify(version)} is not supported (asciicast v2 or v3)`;
  const term = isRecord(value['term']) ? value['term'] : {};
  const [width, height] = version === 2 ? [value['width'], value['height']] : [term['cols'], term['rows']];
  if (!isDimension(width) || !isDimension(height)) {
    return version === 2
      ? 'the header needs a positive integer width and height'
      : 'the header needs term.cols and term.rows, positive integers';
  }
  const header: { -readonly [K in keyof CastHeader]: CastHeader[K] } = { version, width, height };
  if (typeof value['timestamp'] === 'number') header.timestamp = value['timestamp'];
  if (typeof value['title'] === 'string') header.title = value['title'];
  if (typeof value['idle_time_limit'] === 'number' && value['idle_time_limit'] > 0)
    header.idle_time_limit = value['idle_time_limit'];
  return header;
}

/** One event line; `previous` is the last event's time from the start, which a v3 interval adds to. */
function parseEvent(
  line: string,
  previous: number,
  version: 2 | 3,
): { time: number; code: string; data: string } | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON (a truncated file?)';
  }
  if (!Array.isArray(value) || value.length !== 3) return 'an event is [time, code, data]';
  const [time, code, data] = value as unknown[];
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) return 'the time is not a number of seconds';
  if (version === 2 && time < previous) return 'the time goes backwards';
  if (typeof code !== 'string' || typeof data !== 'string') return 'the code and the data must be strings';
  return { time: version === 2 ? time : previous + time, code, data };
}

export function parseCast(text: string): CastParse {
  const lines = text.split('\n');
  const header = parseHeader(lines[0] ?? '');
  if (typeof header === 'string') return { ok: false, message: header, line: 1, partial: undefined };
  const events: CastEvent[] = [];
  let previous = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || (header.version === 3 && line.startsWith('#'))) continue;
    const event = parseEvent(line, previous, header.version);
    if (typeof event === 'string') return { ok: false, message: event, line: i + 1, partial: { header, events } };
    previous = event.time;
    // Unknown codes (v3's exit status "x" among them) are skipped, as asciinema's players do.
    if (isCode(event.code)) events.push({ time: event.time, code: event.code, data: event.data });
  }
  return { ok: true, cast: { header, events } };
}

export function castMarkers(cast: Cast): CastMarker[] {
  const markers: CastMarker[] = [];
  cast.events.forEach((event, index) => {
    if (event.code === 'm') markers.push({ time: event.time, label: event.data, index });
  });
  return markers;
}

/** A resize event's data, "COLSxROWS". */
export function parseResize(data: string): { readonly cols: number; readonly rows: number } | undefined {
  const match = /^(\d+)x(\d+)$/.exec(data);
  if (!match) return undefined;
  const cols = Number(match[1]);
  const rows = Number(match[2]);
  return isDimension(cols) && isDimension(rows) ? { cols, rows } : undefined;
}

export function castHeaderLine(header: CastHeader): string {
  return JSON.stringify(header);
}

/** Times are written in microseconds' precision, as asciinema does. */
export function castEventLine(event: CastEvent): string {
  return JSON.stringify([Math.round(event.time * 1e6) / 1e6, event.code, event.data]);
}

export function castDuration(cast: Cast): number {
  return cast.events.at(-1)?.time ?? 0;
}
