/**
 * Static checks of a parsed deck, pure: the caller says which files exist. The build fails on any problem,
 * so a broken agenda link, a missing figure or an inline style never reaches a classroom.
 */
import { fenceLines } from './fences.ts';
import type { Deck, Slide } from './parse.ts';

export interface DeckProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
  /** A figure under img/ not drawn yet: a warning, the build ships a placeholder (see placeholder.ts). */
  readonly missingFigure?: { readonly path: string; readonly alt: string };
}

const FIGURE = /!\[([^\]]*)\]\((?:\.\/)?(img\/[^)\s]+\.svg)\)/;

const LINK = /!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;
// Inline HTML styles and images bypass the theme and are blocked by the page's Content-Security-Policy.
const RAW_HTML = /<(?:img|p|div|span)\b|style\s*=/i;

/** Local files a slide refers to (images and links), as written, relative to the project root. */
export function localReferences(slide: Slide): { target: string; line: number }[] {
  return matchesOutsideCode(slide, LINK)
    .map(({ match, line }) => ({ target: match[1] ?? '', line }))
    .filter(({ target }) => target !== '' && !target.startsWith('#') && !EXTERNAL.test(target));
}

export function checkDeck(deck: Deck, fileExists: (path: string) => boolean): DeckProblem[] {
  const problems: DeckProblem[] = [];
  const report = (slide: Slide, line: number, message: string): void => {
    problems.push({ file: `slides/${slide.file}`, line, message });
  };
  const names = new Map<string, Slide>();
  for (const slide of deck.slides) {
    const name = slide.properties['name'];
    if (name === undefined) continue;
    const first = names.get(name);
    if (first) report(slide, slide.line, `name "${name}" is already used at slides/${first.file}:${first.line}`);
    else names.set(name, slide);
  }
  for (const slide of deck.slides) {
    const template = slide.properties['template'];
    if (template !== undefined && !names.has(template)) {
      report(slide, slide.line, `template "${template}" names no slide (no "name: ${template}")`);
    }
    for (const { match, line } of matchesOutsideCode(slide, LINK)) {
      const target = match[1] ?? '';
      if (target.startsWith('#') && !names.has(target.slice(1))) {
        report(slide, line, `link ${target} points to no slide name`);
      }
    }
    for (const { match, line } of matchesOutsideCode(slide, LINK)) {
      const target = match[1] ?? '';
      if (target === '' || target.startsWith('#') || EXTERNAL.test(target)) continue;
      const path = decodeURI(target.split('#')[0] ?? '').replace(/^\.\//, '');
      if (fileExists(path)) continue;
      const figure = FIGURE.exec(match[0]);
      problems.push({
        file: `slides/${slide.file}`,
        line,
        message: `${target} does not exist`,
        ...(figure ? { missingFigure: { path, alt: figure[1] ?? '' } } : {}),
      });
    }
    for (const line of figuresNotInOwnParagraph(slide)) {
      report(slide, line, 'a .figure[...] needs a blank line before it, or markdown folds it into the text above');
    }
    for (const { line } of matchesOutsideCode(slide, RAW_HTML)) {
      report(slide, line, 'raw HTML or inline style: use remark classes (.figure.w500[...]) instead');
    }
  }
  return problems;
}

function figuresNotInOwnParagraph(slide: Slide): number[] {
  const lines = slide.raw.split('\n');
  return lines.flatMap((text, i) => {
    const previous = lines[i - 1];
    return text.startsWith('.figure') && previous !== undefined && previous.trim() !== '' && !isProperty(previous)
      ? [slide.line + i]
      : [];
  });
}

const isProperty = (line: string): boolean => /^[-\w]+:/.test(line);

/** Regex matches in a slide's prose, skipping fenced code, with the file line of each. */
function matchesOutsideCode(slide: Slide, pattern: RegExp): { match: RegExpExecArray; line: number }[] {
  const found: { match: RegExpExecArray; line: number }[] = [];
  const lines = slide.raw.split('\n');
  const kinds = fenceLines(lines);
  lines.forEach((text, offset) => {
    if (kinds[offset] !== 'text') return;
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    for (const match of text.matchAll(global))
      found.push({ match: match as RegExpExecArray, line: slide.line + offset });
  });
  return found;
}
