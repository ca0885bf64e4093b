import { describe, expect, it } from 'vitest';
import { fenceLines } from '../../src/deck/fences.ts';

describe('fenceLines', () => {
  it('tells fences, code and text apart', () => {
    expect(fenceLines(['a', '```shell', '*$ ls', '```', 'b'])).toEqual(['text', 'open', 'code', 'close', 'text']);
  });

  it('closes a block only with a bare run of its own character, at least as long', () => {
    const lines = ['````', '```shell', '~~~', '```', '`````', 'after'];
    expect(fenceLines(lines)).toEqual(['open', 'code', 'code', 'code', 'close', 'text']);
    expect(fenceLines(['~~~', '```', '~~~ x', '  ~~~'])).toEqual(['open', 'code', 'code', 'close']);
  });

  it('leaves a block open to the end of the text', () => {
    expect(fenceLines(['```', '---', 'x'])).toEqual(['open', 'code', 'code']);
  });
});
