import { describe, expect, it } from 'vitest';
import { checkDeck, localReferences } from '../../src/deck/check.ts';
import { parseDeck } from '../../src/deck/parse.ts';

const deckOf = (text: string) => parseDeck([{ file: 'a.md', text }]);
const exists = (files: string[]) => (path: string) => files.includes(path);

describe('checkDeck', () => {
  it('accepts a consistent deck', () => {
    const deck = deckOf(
      'name: agenda\n[Cloud](#cloud)\n---\ntemplate: agenda\nname: cloud\n.figure.w400[![Schéma](img/a.svg)]',
    );
    expect(checkDeck(deck, exists(['img/a.svg']))).toEqual([]);
  });

  it('reports a template naming no slide', () => {
    const problems = checkDeck(deckOf('template: agenda\nx'), exists([]));
    expect(problems).toEqual([{ file: 'slides/a.md', line: 1, message: expect.stringContaining('template "agenda"') }]);
  });

  it('reports a duplicate name with both places', () => {
    const problems = checkDeck(deckOf('name: telemetry\n---\nname: telemetry'), exists([]));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('slides/a.md:1');
    expect(problems[0]?.line).toBe(3);
  });

  it('reports an agenda link to no slide, with its line', () => {
    const problems = checkDeck(deckOf('name: agenda\n\n1. [Swift](#swift)'), exists([]));
    expect(problems).toEqual([{ file: 'slides/a.md', line: 3, message: 'link #swift points to no slide name' }]);
  });

  it('reports a missing image or linked file, and ignores external links and code', () => {
    const deck = deckOf(
      '![x](img/absent.svg)\n[t](labs/heat/x.yaml)\n[w](https://fr.wikipedia.org/)\n```shell\n![y](img/in-code.svg)\n```',
    );
    const problems = checkDeck(deck, exists(['labs/heat/x.yaml']));
    expect(problems.map((p) => [p.line, p.message])).toEqual([[1, 'img/absent.svg does not exist']]);
  });

  it('marks a missing figure under img/ as one a placeholder can stand for, not a missing file', () => {
    const problems = checkDeck(
      deckOf('.figure[![Schéma Nova](img/nova.svg)]\n\n[t](labs/heat/absent.yaml)'),
      exists([]),
    );
    expect(problems.map((p) => p.missingFigure)).toEqual([{ path: 'img/nova.svg', alt: 'Schéma Nova' }, undefined]);
  });

  it('asks for a blank line before a figure, which markdown would otherwise fold into a list', () => {
    const problems = checkDeck(
      deckOf('- un point\n.figure.w400[![x](img/a.svg)]\n\n.figure[![y](img/a.svg)]'),
      exists(['img/a.svg']),
    );
    expect(problems.map((p) => p.line)).toEqual([2]);
  });

  it('refuses raw HTML images and inline styles, which the CSP would block', () => {
    const problems = checkDeck(
      deckOf('<p style="text-align:center;"><img src="img/a.svg"/></p>'),
      exists(['img/a.svg']),
    );
    expect(problems[0]?.message).toContain('raw HTML');
  });
});

describe('localReferences', () => {
  it('lists images and links to files, not anchors or URLs', () => {
    const [slide] = deckOf('![a](./img/a.svg) [b](#b) [c](mailto:x@y) [d](labs/heat/d.yaml)').slides;
    expect(slide && localReferences(slide).map((r) => r.target)).toEqual(['./img/a.svg', 'labs/heat/d.yaml']);
  });
});
