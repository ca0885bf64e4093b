/**
 * The browser case's rates, one round each: the pane's `cat` in MB/s, from Enter to the marker on screen,
 * and its two baselines in the same browser: xterm.js alone, writing as many bytes from page memory in
 * 64 KiB chunks, and the browser's WebSocket alone, a page that receives and acks the same `cat` and
 * draws nothing.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PANE } from '../test/helpers/deck-page.ts';
import { waitForMarker } from './browser-deck.ts';
import { mbPerSecond } from './stats.ts';

const ROOT = join(import.meta.dirname, '..');

/** One `cat` into the pane, typed there; MB/s from Enter to the marker on screen. */
export async function paneRound(page: Page, file: string, expected: number, round: number): Promise<number> {
  // The shell computes the marker, so the command line cannot show it; one per round, since the screen
  // still shows the previous one. The keyboard goes to the terminal (the last round left it to the slides).
  await page.locator(`${PANE} .xterm`).click();
  await page.keyboard.type(`cat ${file}; echo FIN-$((40 + ${round}))`);
  const start = performance.now();
  await page.keyboard.press('Enter');
  await waitForMarker(page, `FIN-${40 + round}`);
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
export async function receiveRound(page: Page, file: string, expected: number, round: number): Promise<number> {
  const ms = (await page.evaluate(
    `(${RECEIVE_ONLY})(${JSON.stringify([file, expected, `receive-${round}`])})`,
  )) as number;
  return mbPerSecond(expected, ms);
}

/** xterm.js alone (DOM renderer, 120 x 36, as in the notes), `bytes` of base64 lines from page memory. */
export async function xtermRound(browser: Browser, bytes: number): Promise<number> {
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
