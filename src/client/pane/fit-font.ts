/**
 * The largest font at which a terminal grid fits its pane, to a tenth of a pixel: a viewer shows the
 * writer's grid, a replay its recording's, and the presenter the demo grid (DEMO_TERMINAL), each as large
 * as the pane allows instead of re-wrapping the lines. Cell sizes are rounded by the renderer, so the
 * search asks the terminal rather than computing from one measure; but each size asked makes xterm.js
 * measure its glyphs and redraw its rows again (tens of ms with a screen full of output), so a guess from
 * one measure is asked first, and the search gallops out from it: two or three sizes when it is close.
 */
export const FIT_FONT_MIN = 6;
export const FIT_FONT_MAX = 40;

/**
 * `fits(size)` must be monotonic: true up to some size, false above. Returns FIT_FONT_MIN if none fits.
 * `guess`, when given, is where the search starts.
 */
export function largestFittingFont(
  fits: (size: number) => boolean,
  min = FIT_FONT_MIN,
  max = FIT_FONT_MAX,
  guess?: number,
): number {
  const lowest = Math.round(min * 10);
  const highest = Math.round(max * 10);
  const asks = (tenths: number): boolean => fits(tenths / 10);
  let low = lowest;
  let high = highest;
  if (guess === undefined || !Number.isFinite(guess)) {
    if (!asks(lowest)) return lowest / 10;
  } else {
    // Gallop from the guess to a bracket [low fits, high does not fit, or the bounds].
    const start = Math.min(highest, Math.max(lowest, Math.round(guess * 10)));
    let step = 1;
    if (asks(start)) {
      low = start;
      high = highest;
      while (low < highest) {
        const next = Math.min(highest, low + step);
        if (!asks(next)) {
          high = next - 1;
          break;
        }
        low = next;
        step *= 2;
      }
      if (low === highest) return low / 10;
    } else {
      high = start - 1;
      for (;;) {
        const next = Math.max(lowest, high - step + 1);
        if (asks(next)) {
          low = next;
          break;
        }
        if (next === lowest) return lowest / 10;
        high = next - 1;
        step *= 2;
      }
    }
  }
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (asks(middle)) low = middle;
    else high = middle - 1;
  }
  return low / 10;
}
