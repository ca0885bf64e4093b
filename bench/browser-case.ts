/**
 * The pane in a real browser, as a student sees it: Debian's Chromium (headless, playwright-core) opens
 * the built deck served by the lab server under test, goes to the first qemu demo slide, whose pane is
 * attached here to a plain bash (the bench lab under the name `qemu`), and `cat`s the file: from the
 * Enter key until the end marker is on screen. Everything a pane does is in it: the WebSocket, the acks
 * from xterm's write callbacks, xterm.js parsing and drawing, all on the page's main thread.
 * Baselines: xterm.js alone in the same browser, writing as many bytes from page memory in 64 KiB chunks;
 * the browser's WebSocket alone, a page that receives and acks the same `cat` and draws nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../scripts/lib/chromium.ts';
import { gotoDemoSlide, openDeck, PANE } from '../test/helpers/deck-page.ts';
import { mbPerSecond } from './stats.ts';

const ROOT = join(import.meta.dirname, '..');
/** A command of the first qemu demo slide: its pane is the one measured. */
const SLIDE_TEXT = 'qemu-img create -f qcow2 /tmp/img.qcow2 6G';

export interface BrowserStream {
  /** MB/s, one per round. */
  readonly pane: readonly number[];
  readonly xtermAlone: readonly number[];
  /** The WebSocket alone: bytes received and acked by a page that draws nothing. */
  readonly receiveOnly: readonly number[];
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

/** A labs folder where `qemu` is the bench's plain bash: the deck's qemu panes attach to it. */
export function benchAsQemu(dir: string): string {
  const bench = JSON.parse(readFileSync(join(ROOT, 'bench/labs/bench/lab.json'), 'utf8')) as Record<string, unknown>;
  mkdirSync(join(dir, 'qemu'), { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'qemu', 'lab.json'), `${JSON.stringify({ ...bench, id: 'qemu' }, null, 2)}\n`);
  return dir;
}

async function openPane(page: Page, origin: string): Promise<void> {
  await openDeck(page, `${origin}/`);
  await gotoDemoSlide(page, SLIDE_TEXT);
  await page.waitForSelector(`${PANE}[data-state="live"]`);
  await page.waitForFunction(
    (pane) => (document.querySelector<HTMLElement>(`${pane} .xterm-rows`)?.innerText ?? '').includes('bench$'),
    PANE,
  );
  await page.locator(`${PANE} .xterm`).click();
}

/** One `cat` into the pane, typed there; MB/s from Enter to the marker on screen. */
async function paneRound(page: Page, file: string, expected: number, round: number): Promise<number> {
  // The shell computes the marker, so the command line cannot show it; one per round, since the screen
  // still shows the previous one.
  await page.keyboard.type(`cat ${file}; echo FIN-$((40 + ${round}))`);
  const start = performance.now();
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    ([pane, marker]) =>
      (document.querySelector<HTMLElement>(`${pane} .xterm-rows`)?.innerText ?? '').includes(marker ?? ''),
    [PANE, `FIN-${40 + round}`],
    { polling: 20, timeout: 120_000 },
  );
  return mbPerSecond(expected, performance.now() - start);
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
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const equals = presenterCookie.indexOf('=');
    await context.addCookies([
      { name: presenterCookie.slice(0, equals), value: presenterCookie.slice(equals + 1), url: origin },
    ]);
    const page = await context.newPage();
    await openPane(page, origin);
    const renderer = (await page.getAttribute(PANE, 'data-renderer')) ?? '?';
    const pane: number[] = [];
    const xtermAlone: number[] = [];
    const receiveOnly: number[] = [];
    for (let round = 0; round < rounds; round++) {
      pane.push(await paneRound(page, file, expected, round));
      xtermAlone.push(await xtermRound(browser, expected));
      receiveOnly.push(await receiveRound(page, file, expected, round));
    }
    return { pane, xtermAlone, receiveOnly, renderer };
  } finally {
    await browser.close();
  }
}
