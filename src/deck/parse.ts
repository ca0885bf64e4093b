/**
 * Markdown to slides, the way remark 0.14 reads them, with no I/O: the plugin and the tests feed it text.
 * Remark itself renders the deck in the browser; this parser exists so the build can check the sources
 * (names, links, images, labs) and send hot updates only for the slides that changed.
 */
import { fenceLines } from './fences.ts';

export interface ChapterSource {
  /** File name relative to slides/, used in messages. */
  readonly file: string;
  readonly text: string;
}

export interface Slide {
  /** Position in the whole deck, from 0. */
  readonly index: number;
  readonly file: string;
  /** 1-based line of the slide's first line in its file. */
  readonly line: number;
  /** remark properties found at the top of the slide: name, class, template, count, lab... */
  readonly properties: Readonly<Record<string, string>>;
  /** Slide body without properties and notes; `--` step separators kept. */
  readonly content: string;
  readonly notes: string;
  /** Number of incremental steps (`--` separators) plus one. */
  readonly steps: number;
  /** The slide exactly as written, used to tell which slides changed. */
  readonly raw: string;
}

export interface Deck {
  /** The markdown remark receives: chapters joined by slide separators. */
  readonly source: string;
  readonly slides: readonly Slide[];
}

const SLIDE_SEPARATOR = '---';
const STEP_SEPARATOR = '--';
const NOTES_SEPARATOR = '???';
// Same rule as remark's extractProperties: `key: value` lines at the very top, no space before the colon.
const PROPERTY = /^([-\w]+):(.*)$/;

/** Splits one markdown text on lines equal to `separator`, ignoring lines inside code fences. */
export function splitOutsideFences(text: string, separator: string): { part: string; line: number }[] {
  const lines = text.split('\n');
  const kinds = fenceLines(lines);
  const parts: { part: string; line: number }[] = [];
  let start = 0;
  lines.forEach((line, i) => {
    if (kinds[i] === 'text' && line.trimEnd() === separator) {
      parts.push({ part: lines.slice(start, i).join('\n'), line: start + 1 });
      start = i + 1;
    }
  });
  parts.push({ part: lines.slice(start).join('\n'), line: start + 1 });
  return parts;
}

function extractProperties(body: string): { properties: Record<string, string>; rest: string } {
  const lines = body.split('\n');
  const properties: Record<string, string> = {};
  let i = 0;
  while (i < lines.length && lines[i]?.trim() === '') i++;
  for (; i < lines.length; i++) {
    const match = PROPERTY.exec(lines[i] ?? '');
    if (!match?.[1]) break;
    properties[match[1]] = (match[2] ?? '').trim();
  }
  return { properties, rest: lines.slice(i).join('\n') };
}

export function parseSlide(raw: string, file: string, line: number, index: number): Slide {
  const [body = '', ...noteParts] = splitOutsideFences(raw, NOTES_SEPARATOR).map((p) => p.part);
  const { properties, rest } = extractProperties(body);
  return {
    index,
    file,
    line,
    properties,
    content: rest.trim(),
    notes: noteParts.join(`\n${NOTES_SEPARATOR}\n`).trim(),
    steps: splitOutsideFences(rest, STEP_SEPARATOR).length,
    raw,
  };
}

/** Joins the chapters in order into one deck. A chapter file holds whole slides, never a leading `---`. */
export function parseDeck(chapters: readonly ChapterSource[]): Deck {
  const slides: Slide[] = [];
  for (const chapter of chapters) {
    const text = chapter.text.replace(/\r\n/g, '\n').replace(/\n+$/, '');
    for (const { part, line } of splitOutsideFences(text, SLIDE_SEPARATOR)) {
      slides.push(parseSlide(part, chapter.file, line, slides.length));
    }
  }
  return { source: slides.map((s) => s.raw).join(`\n${SLIDE_SEPARATOR}\n`), slides };
}

/** Indices of the slides whose text differs between two versions of the deck. */
export function changedSlides(before: Deck, after: Deck): number[] {
  const changed: number[] = [];
  const count = Math.max(before.slides.length, after.slides.length);
  for (let i = 0; i < count; i++) {
    if (before.slides[i]?.raw !== after.slides[i]?.raw) changed.push(i);
  }
  return changed;
}
