/**
 * The largest font at which a terminal grid fits its pane, to a tenth of a pixel: a viewer shows the
 * writer's grid, a replay its recording's, and the presenter the demo grid (DEMO_TERMINAL), each as large
 * as the pane allows instead of re-wrapping the lines. Cell sizes are rounded by the renderer, so the
 * search asks the terminal rather than computing from one measure.
 */
export const FIT_FONT_MIN = 6;
export const FIT_FONT_MAX = 40;

/** `fits(size)` must be monotonic: true up to some size, false above. Returns FIT_FONT_MIN if none fits. */
export function largestFittingFont(fits: (size: number) => boolean, min = FIT_FONT_MIN, max = FIT_FONT_MAX): number {
  let low = Math.round(min * 10);
  let high = Math.round(max * 10);
  if (!fits(low / 10)) return low / 10;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle / 10)) low = middle;
    else high = middle - 1;
  }
  return low / 10;
}
