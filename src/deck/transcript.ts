/**
 * What each command of a recording printed, as plain text: the print view of a demo slide shows it under
 * the command, so the PDF of the course keeps the demos. Pure; reads the recording's markers.
 */
import { stripAnsi } from '../protocol/ansi.ts';
import { castMarkers, parseCast, type Cast } from '../protocol/asciicast.ts';

/**
 * A printed page has room for about this many rows (the print view's PRINT_ROWS_MAX): more output per
 * command is cut here, and says so; the print view cuts further what its page cannot hold.
 */
export const TRANSCRIPT_MAX_LINES = 48;

/**
 * The terminal's width a recording was made at, from its header line: `width` in asciicast v2,
 * `term.cols` in v3. The print view fits its font to it, so a recording made in a wide pane prints as
 * wide as it was shown. Undefined when the header says neither.
 */
export function castColumns(text: string): number | undefined {
  const parsed = parseCast(text);
  return (parsed.ok ? parsed.cast : parsed.partial)?.header.width;
}

/** Text as a terminal leaves it: a carriage return goes back to the start of the line. */
function settle(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const parts = line.split('\r');
      let result = '';
      for (const part of parts) result = part + result.slice(part.length);
      return result.trimEnd();
    })
    .join('\n');
}

/** Output of each command (by marker label): the echoed command line and the final prompt left out. */
export function castTranscript(cast: Cast): Map<string, string> {
  const markers = castMarkers(cast);
  const transcript = new Map<string, string>();
  markers.forEach((marker, i) => {
    const end = markers[i + 1]?.index ?? cast.events.length;
    const raw = cast.events
      .slice(marker.index + 1, end)
      .filter((event) => event.code === 'o')
      .map((event) => event.data)
      .join('');
    // stripAnsi drops carriage returns: settle them first, on text whose sequences are gone otherwise.
    const lines = settle(stripAnsi(raw.replace(/\r(?!\n)/g, '\uE000')).replace(/\uE000/g, '\r')).split('\n');
    lines.shift();
    if (lines.length > 0 && !raw.endsWith('\n')) lines.pop();
    // Blank runs (a VM's boot) take paper for nothing: one blank line is kept of each.
    for (let j = lines.length - 1; j > 0; j--) if (lines[j] === '' && lines[j - 1] === '') lines.splice(j, 1);
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    while (lines.length > 0 && lines[0] === '') lines.shift();
    const cut = lines.length > TRANSCRIPT_MAX_LINES;
    const kept = cut ? lines.slice(0, TRANSCRIPT_MAX_LINES) : lines;
    transcript.set(
      marker.label,
      kept.join('\n') + (cut ? `\n[… ${lines.length - TRANSCRIPT_MAX_LINES} lignes de plus]` : ''),
    );
  });
  return transcript;
}
