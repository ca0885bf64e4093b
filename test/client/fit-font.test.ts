import { describe, expect, it } from 'vitest';
import { FIT_FONT_MAX, FIT_FONT_MIN, largestFittingFont } from '../../src/client/pane/fit-font.ts';

/** A pane of `width` px holding `cols` columns of cells 0.6 em wide (Fira Mono's advance). */
function columnsFit(width: number, cols: number): (size: number) => boolean {
  return (size) => Math.floor(width / (Math.round(size * 0.6 * 1000) / 1000)) >= cols;
}

describe('largestFittingFont', () => {
  it('finds the largest size, to a tenth, at which the grid fits', () => {
    const size = largestFittingFont(columnsFit(676, 90));
    expect(columnsFit(676, 90)(size)).toBe(true);
    expect(columnsFit(676, 90)(size + 0.1)).toBe(false);
    expect(size).toBe(12.5);
  });

  it('stops at the bounds', () => {
    expect(largestFittingFont(() => true)).toBe(FIT_FONT_MAX);
    expect(largestFittingFont(() => false)).toBe(FIT_FONT_MIN);
    expect(largestFittingFont((size) => size <= 9.3, 8, 12)).toBe(9.3);
  });

  it('asks a logarithmic number of sizes, not every tenth', () => {
    let asked = 0;
    largestFittingFont((size) => {
      asked++;
      return size < 17;
    });
    expect(asked).toBeLessThan(12);
  });
});
