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
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../scripts/lib/chromium.ts';
import { gotoDemoSlide, openDeck, PANE } from '../test/helpers/deck-page.ts';
import { fixed, mbPerSecond, median, medianRow, pause, type BenchRow } from './stats.ts';

const ROOT = join(import.meta.dirname, '..');
/** A command of the first qemu demo slide: its pane is the one measured, its ▶ the one pressed. */
const SLIDE_TEXT = 'qemu-img create -f qcow2 /tmp/img.qcow2 6G';
const RUN_ID = 'img-create';
/** The prompt of the bench's bash, with the end-of-command mark the labs' prompts start with (labs/qemu/rc). */
const MARKED_PROMPT = '\\[\\e]133;D;$?\\a\\]bench$ ';
/** How long into the `cat` the slide changes and the ▶ are pressed: the pane is scrolling by then. */
const INTO_THE_FLOOD_MS = 1000;
/** Slide changes per round during the `cat`: there and back, this many times. */
const SLIDE_TRIPS = 2;
/** What a person may wait for, during the `cat`, for a slide change or a ▶ (issue 22). */
const LATENCY_TARGET_MS = 100;

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

/** Builds the deck into `dir` (the one the server under test will serve). */
export function buildDeck(dir: string): void {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'error'],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

/**
 * A labs folder where `qemu` is the bench's plain bash: the deck's qemu panes attach to it. It keeps the
 * qemu lab's `img-create` command, so that the slide's ▶ is there, and a prompt that marks the end of each
 * command as the labs' prompts do, so that a ▶ during the `cat` gets the answer it gets in class.
 */
export function benchAsQemu(dir: string): string {
  const bench = JSON.parse(readFileSync(join(ROOT, 'bench/labs/bench/lab.json'), 'utf8')) as {
    env: { allow: string[]; set: Record<string, string> };
  };
  const qemu = JSON.parse(readFileSync(join(ROOT, 'labs/qemu/lab.json'), 'utf8')) as {
    commands: Record<string, unknown>;
  };
  const lab = {
    ...bench,
    id: 'qemu',
    env: { ...bench.env, set: { ...bench.env.set, PS1: MARKED_PROMPT } },
    commands: { [RUN_ID]: qemu.commands[RUN_ID] },
  };
  mkdirSync(join(dir, 'qemu'), { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'qemu', 'lab.json'), `${JSON.stringify(lab, null, 2)}\n`);
  return dir;
}

/**
 * A page at 1280x720 logged in as the presenter (`presenterCookie`, name=value), on the first qemu demo
 * slide, its pane live at the bench shell's prompt: where the bench and bench/pane-profile.ts measure.
 */
export async function openPresenterPane(
  browser: Browser,
  origin: string,
  presenterCookie: string,
): Promise<{ readonly context: BrowserContext; readonly page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const equals = presenterCookie.indexOf('=');
  await context.addCookies([
    { name: presenterCookie.slice(0, equals), value: presenterCookie.slice(equals + 1), url: origin },
  ]);
  const page = await context.newPage();
  await openDeck(page, `${origin}/`);
  await gotoDemoSlide(page, SLIDE_TEXT);
  await page.waitForSelector(`${PANE}[data-state="live"]`);
  await page.waitForFunction(
    (pane) => (document.querySelector<HTMLElement>(`${pane} .xterm-rows`)?.innerText ?? '').includes('bench$'),
    PANE,
  );
  return { context, page };
}

/** One `cat` into the pane, typed there; MB/s from Enter to the marker on screen. */
async function paneRound(page: Page, file: string, expected: number, round: number): Promise<number> {
  // The shell computes the marker, so the command line cannot show it; one per round, since the screen
  // still shows the previous one. The keyboard goes to the terminal (the last round left it to the slides).
  await page.locator(`${PANE} .xterm`).click();
  await page.keyboard.type(`cat ${file}; echo FIN-$((40 + ${round}))`);
  const start = performance.now();
  await page.keyboard.press('Enter');
  await waitForMarker(page, `FIN-${40 + round}`);
  return mbPerSecond(expected, performance.now() - start);
}

/** Waits until the pane's screen shows `marker` (the shell's end-of-round line). */
async function waitForMarker(page: Page, marker: string): Promise<void> {
  await page.waitForFunction(
    ([pane, text]) =>
      (document.querySelector<HTMLElement>(`${pane} .xterm-rows`)?.innerText ?? '').includes(text ?? ''),
    [PANE, marker],
    { polling: 20, timeout: 120_000 },
  );
}

/**
 * Runs in the page, as text (see WRITE_FROM_MEMORY). Resolves, once the next slide is shown, with the ms
 * from the key's event (its timeStamp: when the browser got it, so a busy page's queue counts) to the end
 * of the frame that draws it (a task queued from that frame's animation callback runs after its paint).
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
async function latencyRound(
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

/**
 * Runs in the page, as text: handed to page.evaluate as a function, it would carry the helpers tsx adds
 * to named functions (`__name`), which the page does not have.
 */
const WRITE_FROM_MEMORY = `async (total) => {
  const terminal = new window.Terminal({ cols: 120, rows: 36, scrollback: 1000 });
  const element = document.createElement('div');
  document.body.append(element);
  terminal.open(element);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let chunk = '';
  while (chunk.length < 64 * 1024) {
    let line = '';
    for (let i = 0; i < 76; i++) line += alphabet[Math.floor(Math.random() * 64)];
    chunk += line + '\\r\\n';
  }
  const start = performance.now();
  await new Promise((resolve) => {
    let left = total;
    const next = () => {
      const piece = left > chunk.length ? chunk : chunk.slice(0, left);
      left -= piece.length;
      terminal.write(piece, left > 0 ? next : resolve);
    };
    next();
  });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return performance.now() - start;
}`;

/**
 * Runs in the page, as text (see WRITE_FROM_MEMORY): its own WebSocket to the server, a session of its own,
 * `cat` of the file, every byte counted and acked as the pane does, nothing drawn. What the browser's
 * WebSocket delivers to an idle page: the pane cannot do better.
 */
const RECEIVE_ONLY = `async ([file, expected, room]) => {
  const socket = new WebSocket('ws://' + location.host + '/ws');
  socket.binaryType = 'arraybuffer';
  await new Promise((resolve) => socket.addEventListener('open', resolve));
  let attached;
  const snapshot = new Promise((resolve) => (attached = resolve));
  let counting = false;
  let bytes = 0;
  let unacked = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  socket.addEventListener('message', (event) => {
    if (typeof event.data === 'string') {
      const message = JSON.parse(event.data);
      if (message.type === 'welcome') socket.send(JSON.stringify({ type: 'attach', channel: 0, lab: 'qemu', room, cols: 120, rows: 36 }));
      if (message.type === 'snapshot') attached();
      return;
    }
    if (!counting) return;
    const length = event.data.byteLength - 1;
    bytes += length;
    unacked += length;
    if (unacked >= 65536) {
      socket.send(JSON.stringify({ type: 'ack', channel: 0, bytes: unacked }));
      unacked = 0;
    }
    if (bytes >= expected) done();
  });
  socket.send(JSON.stringify({ type: 'hello', version: 1 }));
  await snapshot;
  await new Promise((resolve) => setTimeout(resolve, 300));
  counting = true;
  const start = performance.now();
  socket.send(JSON.stringify({ type: 'input', channel: 0, data: 'cat ' + file + '\\r' }));
  await finished;
  const ms = performance.now() - start;
  socket.close();
  return ms;
}`;

/** The WebSocket alone, in the deck's page (same origin, same cookie), in a room of its own. */
async function receiveRound(page: Page, file: string, expected: number, round: number): Promise<number> {
  const ms = (await page.evaluate(
    `(${RECEIVE_ONLY})(${JSON.stringify([file, expected, `receive-${round}`])})`,
  )) as number;
  return mbPerSecond(expected, ms);
}

/** xterm.js alone (DOM renderer, 120 x 36, as in the notes), `bytes` of base64 lines from page memory. */
async function xtermRound(browser: Browser, bytes: number): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    await page.addStyleTag({ path: join(ROOT, 'node_modules/@xterm/xterm/css/xterm.css') });
    await page.addScriptTag({ path: join(ROOT, 'node_modules/@xterm/xterm/lib/xterm.js') });
    const ms = (await page.evaluate(`(${WRITE_FROM_MEMORY})(${bytes})`)) as number;
    return mbPerSecond(bytes, ms);
  } finally {
    await page.close();
  }
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
