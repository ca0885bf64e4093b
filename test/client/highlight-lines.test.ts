import { describe, expect, it } from 'vitest';
import { splitHighlightedLines } from '../../src/client/highlight-lines.ts';

describe('splitHighlightedLines', () => {
  it('closes and reopens spans that cross line ends', () => {
    const html = 'a: <span class="hljs-string">"un\ndeux"</span>\nb';
    expect(splitHighlightedLines(html)).toEqual([
      'a: <span class="hljs-string">"un</span>',
      '<span class="hljs-string">deux"</span>',
      'b',
    ]);
  });

  it('keeps nesting', () => {
    const html = '<span class="a"><span class="b">x\ny</span>z</span>';
    expect(splitHighlightedLines(html)).toEqual([
      '<span class="a"><span class="b">x</span></span>',
      '<span class="a"><span class="b">y</span>z</span>',
    ]);
  });

  it('leaves plain lines alone', () => {
    expect(splitHighlightedLines('$ ls\nimg')).toEqual(['$ ls', 'img']);
  });
});
