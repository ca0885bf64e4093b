/**
 * What a person waits for during the pane's `cat`, once it scrolls: a ▶ on the slide (from the click to
 * the pane's answer drawn: the notice that a command still runs), then slide changes there and back (from
 * the key to the next slide drawn). Each wait is timed in the page, from the input event to the frame
 * that draws its answer.
 */
import type { Page } from 'playwright-core';
import { PANE } from '../test/helpers/deck-page.ts';
import { RUN_ID, waitForMarker } from './browser-deck.ts';
import { pause } from './stats.ts';

/** How long into the `cat` the slide changes and the ▶ are pressed: the pane is scrolling by then. */
const INTO_THE_FLOOD_MS = 1000;
/** Slide changes per round during the `cat`: there and back, this many times. */
const SLIDE_TRIPS = 2;

/**
 * Runs in the page, as text (see WRITE_FROM_MEMORY in browser-rates.ts). Resolves, once the next slide is
 * shown, with the ms from the key's event (its timeStamp: when the browser got it, so a busy page's queue
 * counts) to the end of the frame that draws it (a task queued from that frame's animation callback runs
 * after its paint).
 */
const SLIDE_PROBE = `() => new Promise((resolve, reject) => {
  const before = document.querySelector('.remark-visible');
  let pressedAt;
  window.addEventListener('keydown', (event) => (pressedAt = event.timeStamp), { once: true, capture: true });
  const afterPaint = (done) => requestAnimationFrame(() => { const channel = new MessageChannel(); channel.port1.onmessage = done; channel.port2.postMessage(0); });
  const observer = new MutationObserver(() => {
    const shown = document.querySelector('.remark-visible');
    if (pressedAt === undefined || !shown || shown === before) return;
    observer.disconnect();
    afterPaint(() => resolve(performance.now() - pressedAt));
  });
  observer.observe(document.querySelector('.remark-slides-area'), { subtree: true, attributes: true, attributeFilter: ['class'] });
  setTimeout(() => reject(new Error('no slide change within 10 s')), 10000);
})`;

/**
 * Runs in the page, as text. Resolves with the ms from the ▶'s pointerdown to the end of the frame that
 * draws the pane's answer: during a `cat`, the notice that a command still runs (the server does not type
 * into a running program), as in every lab whose prompt marks the end of a command.
 */
const RUN_PROBE = `([pane, runId]) => new Promise((resolve, reject) => {
  const notice = document.querySelector(pane + ' .lab-pane-notice');
  const button = document.querySelector('.remark-visible .run-command[data-command-id="' + runId + '"]');
  let pressedAt;
  button.addEventListener('pointerdown', (event) => (pressedAt = event.timeStamp), { once: true, capture: true });
  const observer = new MutationObserver(() => {
    if (pressedAt === undefined || notice.hidden) return;
    observer.disconnect();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now() - pressedAt);
      channel.port2.postMessage(0);
    });
  });
  observer.observe(notice, { attributes: true, attributeFilter: ['hidden'] });
  setTimeout(() => reject(new Error('no answer to the run within 10 s')), 10000);
})`;

/** One slide change during the `cat`: `key` pressed, ms until the slide it leads to is drawn. */
async function slideChange(page: Page, key: 'ArrowRight' | 'ArrowLeft'): Promise<number> {
  // `void`: evaluate would otherwise wait for the promise, which the key press below settles.
  await page.evaluate(`void (window.__slideProbe = (${SLIDE_PROBE})())`);
  await page.keyboard.press(key);
  return (await page.evaluate('window.__slideProbe')) as number;
}

/**
 * A `cat` in the pane, and during it what a person does: a ▶ on the slide (the pane says a command still
 * runs), then slide changes there and back.
 */
export async function latencyRound(
  page: Page,
  file: string,
  round: number,
): Promise<{ readonly slideMs: number[]; readonly runMs: number[] }> {
  await page.locator(`${PANE} .xterm`).click();
  await page.keyboard.type(`cat ${file}; echo FIN-$((60 + ${round}))`);
  await page.keyboard.press('Enter');
  await pause(INTO_THE_FLOOD_MS);
  await page.evaluate(`void (window.__runProbe = (${RUN_PROBE})(${JSON.stringify([PANE, RUN_ID])}))`);
  await page.locator(`.remark-visible .run-command[data-command-id="${RUN_ID}"]`).click();
  const runMs = [(await page.evaluate('window.__runProbe')) as number];
  await page.locator(`${PANE} .lab-pane-notice-close`).click();
  // The click left the keyboard on the ▶, not in the terminal: the arrows go to the slides.
  const slideMs: number[] = [];
  for (let trip = 0; trip < SLIDE_TRIPS; trip++) {
    slideMs.push(await slideChange(page, 'ArrowRight'));
    slideMs.push(await slideChange(page, 'ArrowLeft'));
  }
  await waitForMarker(page, `FIN-${60 + round}`);
  return { slideMs, runMs };
}
