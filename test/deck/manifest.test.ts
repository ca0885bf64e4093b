import { describe, expect, it } from 'vitest';
import { DeckError, parseManifest } from '../../src/deck/manifest.ts';

describe('parseManifest', () => {
  it('returns a frozen manifest', () => {
    const manifest = parseManifest('{"title":"T","courseSlides":3,"chapters":["a.md","b.md"]}');
    expect(manifest).toEqual({ title: 'T', courseSlides: 3, chapters: ['a.md', 'b.md'] });
    expect(Object.isFrozen(manifest.chapters)).toBe(true);
  });

  it.each([
    ['{', 'not valid JSON'],
    ['[]', 'expected an object'],
    ['{"courseSlides":1,"chapters":["a.md"]}', '"title"'],
    ['{"title":"T","courseSlides":0,"chapters":["a.md"]}', '"courseSlides"'],
    ['{"title":"T","courseSlides":1,"chapters":[]}', '"chapters"'],
    ['{"title":"T","courseSlides":1,"chapters":["../etc/passwd"]}', 'not a markdown file name'],
    ['{"title":"T","courseSlides":1,"chapters":["a.md","a.md"]}', 'twice'],
  ])('names the problem in %s', (text, expected) => {
    expect(() => parseManifest(text)).toThrow(DeckError);
    expect(() => parseManifest(text)).toThrow(expected);
  });
});
