import { describe, expect, it } from 'vitest';
import { figurePlaceholder, wrapWords } from '../../src/deck/placeholder.ts';

describe('figurePlaceholder', () => {
  it('is an SVG with a title naming the figure', () => {
    const svg = figurePlaceholder('Architecture de Nova');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<title>Figure à venir : Architecture de Nova</title>');
  });

  it('escapes the alternative text', () => {
    expect(figurePlaceholder('<script>&')).toContain('&lt;script&gt;&amp;');
    expect(figurePlaceholder('<script>&')).not.toContain('<script>');
  });
});

describe('wrapWords', () => {
  it('wraps on words and cuts a long text with an ellipsis', () => {
    expect(wrapWords('un deux trois quatre', 9, 3)).toEqual(['un deux', 'trois', 'quatre']);
    expect(wrapWords('un deux trois quatre cinq', 9, 2)).toEqual(['un deux', 'trois …']);
  });
});
