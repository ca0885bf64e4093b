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

describe('largestFittingFont from a guess', () => {
  const fits = columnsFit(676, 90);
  const counted = (inner: (size: number) => boolean): { readonly fits: (size: number) => boolean; asked: number[] } => {
    const result = { asked: [] as number[], fits: (size: number): boolean => (result.asked.push(size), inner(size)) };
    return result;
  };

  it('asks two sizes when the guess is right', () => {
    const probe = counted(fits);
    expect(largestFittingFont(probe.fits, FIT_FONT_MIN, FIT_FONT_MAX, 12.5)).toBe(12.5);
    expect(probe.asked).toEqual([12.5, 12.6]);
  });

  it('finds the same size from a guess a little off, in a few asks', () => {
    for (const guess of [12.4, 12.6, 12, 13]) {
      const probe = counted(fits);
      expect(largestFittingFont(probe.fits, FIT_FONT_MIN, FIT_FONT_MAX, guess)).toBe(12.5);
      expect(probe.asked.length).toBeLessThanOrEqual(6);
    }
  });

  it('finds it from a guess far off or out of bounds too', () => {
    for (const guess of [6, 40, 3, 99, 8, 20]) {
      const probe = counted(fits);
      expect(largestFittingFont(probe.fits, FIT_FONT_MIN, FIT_FONT_MAX, guess)).toBe(12.5);
      expect(probe.asked.length).toBeLessThanOrEqual(18);
    }
  });

  it('stops at the bounds', () => {
    expect(largestFittingFont(() => true, FIT_FONT_MIN, FIT_FONT_MAX, 20)).toBe(FIT_FONT_MAX);
    expect(largestFittingFont(() => false, FIT_FONT_MIN, FIT_FONT_MAX, 20)).toBe(FIT_FONT_MIN);
    expect(largestFittingFont((size) => size <= 9.3, 8, 12, 30)).toBe(9.3);
    expect(largestFittingFont(() => true, 8, 12, Number.NaN)).toBe(12);
  });
});
