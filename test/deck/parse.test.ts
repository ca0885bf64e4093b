import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { changedSlides, parseDeck, splitOutsideFences } from '../../src/deck/parse.ts';

const require = createRequire(import.meta.url);

/** remark's own parser (Node-safe CommonJS in the package) is the oracle for slide boundaries and properties. */
interface RemarkParsedSlide {
  properties: Record<string, string>;
}
const RemarkParser = require('remark-slide/src/remark/parser.js') as new () => {
  parse(source: string, macros: unknown): RemarkParsedSlide[];
};
const macros: unknown = require('remark-slide/src/remark/macros.js');

function remarkSlides(source: string): RemarkParsedSlide[] {
  return new RemarkParser().parse(source, macros).filter((s) => s.properties['continued'] !== 'true');
}

const chapterA = [
  'class: center, middle',
  '',
  '# Titre',
  '---',
  'name: agenda',
  '# Agenda',
  '',
  '1. [Cloud](#cloud)',
].join('\n');

const chapterB = [
  'template: agenda',
  'name: cloud',
  '',
  '### .right[Cloud]',
  '--',
  'count: false',
  'Suite',
  '---',
  '## Code',
  '```shell',
  '*$ echo ---',
  '---',
  '--',
  '```',
  'Texte',
  '???',
  'Note du présentateur',
].join('\n');

describe('parseDeck', () => {
  const deck = parseDeck([
    { file: 'a.md', text: `${chapterA}\n` },
    { file: 'b.md', text: chapterB },
  ]);

  it('splits slides on --- outside code fences, across files, like remark', () => {
    expect(deck.slides).toHaveLength(4);
    expect(remarkSlides(deck.source)).toHaveLength(4);
  });

  it('reads properties at the top of a slide, like remark', () => {
    const remark = remarkSlides(deck.source);
    deck.slides.forEach((slide, i) => {
      const { continued: _continued, ...theirs } = remark[i]?.properties ?? {};
      expect(slide.properties).toEqual(theirs);
    });
    expect(deck.slides[2]?.properties).toEqual({ template: 'agenda', name: 'cloud' });
  });

  it('counts incremental steps and separates presenter notes', () => {
    expect(deck.slides[2]?.steps).toBe(2);
    expect(deck.slides[3]?.steps).toBe(1);
    expect(deck.slides[3]?.notes).toBe('Note du présentateur');
    expect(deck.slides[3]?.content).not.toContain('Note du présentateur');
    expect(deck.slides[3]?.content).toContain('*$ echo ---');
  });

  it('knows where each slide starts', () => {
    expect(deck.slides.map((s) => [s.file, s.line])).toEqual([
      ['a.md', 1],
      ['a.md', 5],
      ['b.md', 1],
      ['b.md', 9],
    ]);
  });

  it('does not take a French "mot : valeur" line for a property', () => {
    const [slide] = parseDeck([{ file: 'x.md', text: 'exemple : valeur\nname: pas-une-propriété' }]).slides;
    expect(slide?.properties).toEqual({});
  });
});

describe('splitOutsideFences', () => {
  it('keeps a tilde fence open until its own closing marker', () => {
    const parts = splitOutsideFences('a\n~~~\n---\n```\n---\n~~~\n---\nb', '---');
    expect(parts.map((p) => p.part)).toEqual(['a\n~~~\n---\n```\n---\n~~~', 'b']);
  });
});

describe('changedSlides', () => {
  it('names only the slides whose text changed, and added or removed ones', () => {
    const before = parseDeck([{ file: 'a.md', text: 'un\n---\ndeux\n---\ntrois' }]);
    const edited = parseDeck([{ file: 'a.md', text: 'un\n---\ndeux !\n---\ntrois' }]);
    const longer = parseDeck([{ file: 'a.md', text: 'un\n---\ndeux\n---\ntrois\n---\nquatre' }]);
    expect(changedSlides(before, before)).toEqual([]);
    expect(changedSlides(before, edited)).toEqual([1]);
    expect(changedSlides(before, longer)).toEqual([3]);
  });
});
