/**
 * Every demo readable on a projector and at home: each recording replayed into its slide's pane, at
 * 1280x800 (a common projector) and 1920x1080, shows its output without a row wrapped by the terminal and
 * with text at least 13 CSS px high. Fails naming the demo, the size and the lines.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from '../helpers/browser.ts';
import { openDeck, PANE } from '../helpers/deck-page.ts';
import { paneFit } from '../helpers/pane-fit.ts';
import { DEMO_MIN_FONT_PX as MIN_FONT_PX } from '../../src/protocol/limits.ts';
import { serveStatic, type StaticServer } from '../../scripts/lib/static-server.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dist = process.env['DECK_DIST'] || join(ROOT, 'dist');
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

let files: StaticServer;
let browser: Browser;

beforeAll(async () => {
  files = await serveStatic(dist);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await files?.close();
});

/** The remark index of every demo slide (a slide with a lab pane). */
function demoSlides(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.remark-slides-area > .remark-slide-container .remark-slide-content')].flatMap(
      (content, index) => (content.classList.contains('lab-slide') ? [index] : []),
    ),
  );
}

/** Goes to slide `index`, waits for its recording, and plays it to its end at once. */
async function replayToEnd(page: Page, index: number): Promise<string> {
  await page.evaluate((n) => (location.hash = `#${n + 1}`), index);
  await page.waitForSelector(`${PANE}[data-state="replay"]`);
  const seek = `${PANE} .lab-replay-seek`;
  await page.waitForFunction(
    (selector) => Number(document.querySelector<HTMLInputElement>(selector)?.max ?? 0) > 0,
    seek,
  );
  return page.evaluate((selector) => {
    const input = document.querySelector<HTMLInputElement>(selector);
    if (!input) return '';
    input.value = input.max;
    input.dispatchEvent(new Event('input'));
    return document.querySelector<HTMLElement>('.remark-visible .lab-replay-bar')?.dataset['step'] ?? '';
  }, seek);
}

describe('every demo fits its pane', () => {
  for (const size of SIZES) {
    it(`at ${size.width}x${size.height}, replayed`, async () => {
      const page = await browser.newPage({ viewport: size });
      await openDeck(page, files.url);
      const problems: string[] = [];
      const slides = await demoSlides(page);
      expect(slides.length).toBeGreaterThan(40);
      let smallest = Infinity;
      for (const index of slides) {
        const step = await replayToEnd(page, index);
        const fit = await paneFit(page);
        smallest = Math.min(smallest, fit.fontPx);
        const name = `slide ${index + 1} (${step}, ${fit.cols}x${fit.rows})`;
        if (fit.fontPx < MIN_FONT_PX) problems.push(`${name}: text ${fit.fontPx} px, under ${MIN_FONT_PX}`);
        for (const line of fit.wrapped) problems.push(`${name}: wrapped « ${line} »`);
      }
      await screenshot(page, `fit-${size.width}`);
      console.log(
        `${size.width}x${size.height}: ${slides.length} demos, ${problems.length} problems, smallest text ${smallest} px`,
      );
      await page.close();
      expect(problems).toEqual([]);
    }, 600_000);
  }
});
