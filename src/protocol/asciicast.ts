/**
 * asciicast v2, the format of asciinema (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header
 * line, then one JSON array per event, `[seconds, code, data]`. The server writes it, the replay pane and
 * the print view read it. Parsing never throws: a malformed or truncated file gives an error naming the
 * line, with what could be read before it, so the pane can still say something useful.
 */

export type CastEventCode = 'o' | 'i' | 'r' | 'm';

export interface CastHeader {
  readonly version: 2;
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
  if (value['version'] !== 2) return `version ${JSON.stringify(value['version'])} is not supported (asciicast v2 only)`;
  if (!isDimension(value['width']) || !isDimension(value['height'])) return 'the header needs a positive integer width and height';
  const header: { -readonly [K in keyof CastHeader]: CastHeader[K] } = { version: 2, width: value['width'], height: value['height'] };
  if (typeof value['timestamp'] === 'number') header.timestamp = value['timestamp'];
  if (typeof value['title'] === 'string') header.title = value['title'];
  if (typeof value['idle_time_limit'] === 'number' && value['idle_time_limit'] > 0) header.idle_time_limit = value['idle_time_limit'];
  return header;
}

function parseEvent(line: string, previous: number): { time: number; code: string; data: string } | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON (a truncated file?)';
  }
  if (!Array.isArray(value) || value.length !== 3) return 'an event is [time, code, data]';
  const [time, code, data] = value as unknown[];
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) return 'the time is not a number of seconds';
  if (time < previous) return 'the time goes backwards';
  if (typeof code !== 'string' || typeof data !== 'string') return 'the code and the data must be strings';
  return { time, code, data };
}

export function parseCast(text: string): CastParse {
  const lines = text.split('\n');
  const header = parseHeader(lines[0] ?? '');
  if (typeof header === 'string') return { ok: false, message: header, line: 1, partial: undefined };
  const events: CastEvent[] = [];
  let previous = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const event = parseEvent(line, previous);
    if (typeof event === 'string') return { ok: false, message: event, line: i + 1, partial: { header, events } };
    previous = event.time;
    // Unknown codes are skipped, as asciinema's players do: the format may grow.
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
