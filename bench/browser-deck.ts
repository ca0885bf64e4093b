/**
 * Where the browser case measures: the built deck, served with the bench's plain bash as its `qemu` lab,
 * opened as the presenter on the first qemu demo slide, its pane live; and the wait for the end-of-round
 * marker on that pane's screen. Shared with bench/pane-profile.ts, which profiles the same pane.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { gotoDemoSlide, openDeck, PANE } from '../test/helpers/deck-page.ts';

const ROOT = join(import.meta.dirname, '..');
/** A command of the first qemu demo slide: its pane is the one measured, its ▶ the one pressed. */
const SLIDE_TEXT = 'qemu-img create -f qcow2 /tmp/img.qcow2 6G';
/** That command's id in the qemu lab: the ▶ the browser case presses, the one command its lab keeps. */
export const RUN_ID = 'img-create';
/** The prompt of the bench's bash, with the end-of-command mark the labs' prompts start with (labs/qemu/rc). */
const MARKED_PROMPT = '\\[\\e]133;D;$?\\a\\]bench$ ';

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

/** Waits until the pane's screen shows `marker` (the shell's end-of-round line). */
export async function waitForMarker(page: Page, marker: string): Promise<void> {
  await page.waitForFunction(
    ([pane, text]) =>
      (document.querySelector<HTMLElement>(`${pane} .xterm-rows`)?.innerText ?? '').includes(text ?? ''),
    [PANE, marker],
    { polling: 20, timeout: 120_000 },
  );
}
