/**
 * The pane in a real browser, as a student sees it: Debian's Chromium (headless, playwright-core) opens
 * the built deck served by the lab server under test, goes to the first qemu demo slide, whose pane is
 * attached here to a plain bash (the bench lab under the name `qemu`), and `cat`s the file: from the
 * Enter key until the end marker is on screen. Everything a pane does is in it: the WebSocket, the acks
 * from xterm's write callbacks, xterm.js parsing and drawing, all on the page's main thread.
 * Baselines: xterm.js alone in the same browser, writing as many bytes from page memory in 64 KiB chunks;
 * the browser's WebSocket alone, a page that receives and acks the same `cat` and draws nothing.
 * And what a person waits for during such a `cat`: a slide change (from the key to the next slide drawn)
 * and a ▶ (from the click to the pane's answer drawn: the notice that a command still runs).
 * The deck and its pane are set up in browser-deck.ts, the rates measured in browser-rates.ts, the waits in
 * browser-latency.ts: this file runs their rounds, interleaved, and makes the case's rows.
 */
import { launchChromium } from '../scripts/lib/chromium.ts';
import { PANE } from '../test/helpers/deck-page.ts';
import { openPresenterPane } from './browser-deck.ts';
import { latencyRound } from './browser-latency.ts';
import { paneRound, receiveRound, xtermRound } from './browser-rates.ts';
import { fixed, median, medianRow, type BenchRow } from './stats.ts';

/** What a person may wait for, during the `cat`, for a slide change or a ▶ (issue 22). */
const LATENCY_TARGET_MS = 100;

/** What the browser case measured, round by round, and the renderer the pane used. */
export interface BrowserStream {
  /** MB/s, one per round. */
  readonly pane: readonly number[];
  readonly xtermAlone: readonly number[];
  /** The WebSocket alone: bytes received and acked by a page that draws nothing. */
  readonly receiveOnly: readonly number[];
  /** During the pane's `cat`: ms from the key to the next slide drawn, and from the ▶ click to its answer drawn. */
  readonly slideMs: readonly number[];
  readonly runMs: readonly number[];
  readonly renderer: string;
}

/** `rounds` of each, interleaved, against a lab server that serves the built deck and the `qemu` lab. */
export async function browserStream(
  origin: string,
  presenterCookie: string,
  file: string,
  expected: number,
  rounds: number,
): Promise<BrowserStream> {
  const browser = await launchChromium();
  try {
    const { page } = await openPresenterPane(browser, origin, presenterCookie);
    const renderer = (await page.getAttribute(PANE, 'data-renderer')) ?? '?';
    const pane: number[] = [];
    const xtermAlone: number[] = [];
    const receiveOnly: number[] = [];
    const slideMs: number[] = [];
    const runMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      pane.push(await paneRound(page, file, expected, round));
      xtermAlone.push(await xtermRound(browser, expected));
      receiveOnly.push(await receiveRound(page, file, expected, round));
      // Its own `cat`, after the others: the key presses must not slow the rounds measured for their rate.
      const waits = await latencyRound(page, file, round);
      slideMs.push(...waits.slideMs);
      runMs.push(...waits.runMs);
    }
    return { pane, xtermAlone, receiveOnly, slideMs, runMs, renderer };
  } finally {
    await browser.close();
  }
}

/** The browser case's rows of the bench table. */
export function browserRows(result: BrowserStream): BenchRow[] {
  const slowest = (values: readonly number[]): number => Math.max(...values);
  const waits = [...result.slideMs, ...result.runMs];
  return [
    medianRow({
      measure: `pane in Chromium (${result.renderer}), 50 MB: xterm.js alone / pane, MB/s`,
      baseline: result.xtermAlone,
      values: result.pane,
    }),
    medianRow({
      measure: 'Chromium: WebSocket alone (received, acked, not drawn) / pane, MB/s',
      baseline: result.receiveOnly,
      values: result.pane,
      target: { label: '>= 0.8 x', met: (ratio) => ratio >= 0.8 },
    }),
    {
      measure: 'during the cat: slide change / ▶ answer, ms, median (max)',
      ceiling: '',
      server: `${fixed(median(result.slideMs), 0)} (${fixed(slowest(result.slideMs), 0)}) / ${fixed(median(result.runMs), 0)} (${fixed(slowest(result.runMs), 0)})`,
      ratio: '',
      target: `<= ${LATENCY_TARGET_MS} ms`,
      ok: waits.length > 0 && slowest(waits) <= LATENCY_TARGET_MS,
    },
  ];
}
