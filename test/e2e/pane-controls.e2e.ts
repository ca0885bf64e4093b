/**
 * Every control of a pane, pressed as a person would, each checked by what it changes on screen: the
 * toolbar of a live pane (↺, A−, A+, ⇔, ▭, ⤢) against the real lab server, and the replay bar of a pane
 * without server (play/pause, start, next command, position, speed, and a command's ▶). Sizes are compared
 * before and after, never to fixed numbers: how the pane picks its font and grid may change.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../scripts/lib/static-server.ts';
import { launchChromium, screenshot, watchPage, type PageProblems } from '../helpers/browser.ts';
import { gotoDemoSlide, openDeck, PANE, paneText, runCommand, waitForPane } from '../helpers/deck-page.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dist = process.env['DECK_DIST'] || join(ROOT, 'dist');
const VIEWPORT = { width: 1280, height: 720 };
const SLIDE = 'qemu-img create -f qcow2 /tmp/img.qcow2 6G';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Where an element of the visible pane is drawn, in CSS px of the viewport (the slide's scale included). */
function box(page: Page, selector = ''): Promise<Box> {
  return page.evaluate((css) => {
    const rect = document.querySelector(css)?.getBoundingClientRect();
    return { x: rect?.x ?? 0, y: rect?.y ?? 0, width: rect?.width ?? 0, height: rect?.height ?? 0 };
  }, `${PANE} ${selector}`.trim());
}

/** One character cell as drawn: a rendered row's height, and the row's width over the terminal's columns. */
function cell(page: Page): Promise<{ width: number; height: number }> {
  return page.evaluate((pane) => {
    const row = document.querySelector(`${pane} .xterm-rows > div`)?.getBoundingClientRect();
    const screen = document.querySelector(`${pane} .xterm-screen`)?.getBoundingClientRect();
    const terminal = (document.querySelector(pane) as (HTMLElement & { labTerminal?: { cols: number } }) | null)
      ?.labTerminal;
    return { width: screen && terminal ? screen.width / terminal.cols : 0, height: row?.height ?? 0 };
  }, PANE);
}

const tool = (page: Page, title: string) => page.locator(`${PANE} .lab-pane-tools button[title="${title}"]`);

/** Waits until `read` gives a value `ok` accepts (a resize settles over a frame or two); returns it. */
async function settle<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  let value = await read();
  for (let i = 0; i < 50 && !ok(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  if (!ok(value)) throw new Error(`${what}: still ${JSON.stringify(value)}`);
  return value;
}

describe('the toolbar of a live pane', () => {
  let server: ServerProcess;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    server = await spawnServer(['--grace', '60'], { labsDir: join(ROOT, 'labs'), distDir: dist });
    page = await browser.newPage({ viewport: VIEWPORT });
    problems = watchPage(page, server.target.origin);
    await openDeck(page, /Ouvrez : (\S+)/.exec(server.output())?.[1] ?? '');
    await gotoDemoSlide(page, SLIDE);
    await page.waitForSelector(`${PANE}[data-state="live"]`);
    await waitForPane(page, /étudiant@qemu:~\$ /);
  });
  afterAll(async () => {
    await page?.close();
    await server?.stop();
  });

  it('↺ gives a new shell: the old output gone, a fresh prompt, and no banner left', async () => {
    await page.locator(`${PANE} .xterm`).click();
    await page.keyboard.type('cd /tmp && echo avant-$((6 * 7))');
    await page.keyboard.press('Enter');
    await waitForPane(page, /avant-42\s+étudiant@qemu:tmp\$ /);
    await tool(page, 'Redémarrer le lab (shell neuf, dossier neuf)').click();
    // The new shell starts in its own fresh directory (~), and the screen no longer holds the old one.
    await waitForPane(page, /étudiant@qemu:~\$ /);
    await page.waitForFunction(
      (pane) => !document.querySelector(`${pane} .xterm-rows`)?.textContent?.includes('avant-42'),
      PANE,
    );
    await page.waitForSelector(`${PANE} .lab-pane-message`, { state: 'hidden' });
    // Still gone a moment later: nothing brings the banner back.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await page.locator(`${PANE} .lab-pane-message`).isHidden()).toBe(true);
    expect(await page.textContent(`${PANE} .lab-pane-badge`)).toBe('en direct');
    await screenshot(page, 'pane-after-restart');
    // The new prompt takes typing.
    await page.locator(`${PANE} .xterm`).click();
    await page.keyboard.type('echo après-$((6 * 7))');
    await page.keyboard.press('Enter');
    await waitForPane(page, /après-42/);
    expect(await paneText(page)).not.toContain('avant-42');
  });

  it('A− draws smaller characters, A+ larger ones', async () => {
    const before = await cell(page);
    expect(before.height).toBeGreaterThan(0);
    await tool(page, 'Réduire la police').click();
    const smaller = await settle(
      () => cell(page),
      (c) => c.height < before.height && c.width < before.width,
      'A− cell',
    );
    await tool(page, 'Agrandir la police').click();
    const back = await settle(
      () => cell(page),
      (c) => c.height > smaller.height && c.width > smaller.width,
      'A+ cell',
    );
    await tool(page, 'Agrandir la police').click();
    await settle(
      () => cell(page),
      (c) => c.height > back.height && c.width > back.width,
      'A+ again',
    );
    await waitForPane(page, /après-42/);
  });

  it('⇔ widens the pane, and a second press gives its width back', async () => {
    const before = await box(page);
    await tool(page, 'Élargir le terminal').click();
    const wide = await settle(
      () => box(page),
      (b) => b.width > before.width * 1.2,
      'widened pane',
    );
    // Whatever the grid does, the terminal uses the room it got: more columns, or larger characters.
    const terminal = await box(page, '.xterm-screen');
    expect(terminal.width).toBeGreaterThan(before.width * 0.8);
    expect(wide.width).toBeLessThanOrEqual(VIEWPORT.width);
    await tool(page, 'Élargir le terminal').click();
    await settle(
      () => box(page),
      (b) => Math.abs(b.width - before.width) < 1,
      'width given back',
    );
  });

  it('▭ folds the terminal away and keeps the header, a second press unfolds it', async () => {
    const body = page.locator(`${PANE} .lab-pane-body`);
    expect(await body.isVisible()).toBe(true);
    const before = await box(page);
    await tool(page, 'Replier le terminal').click();
    await body.waitFor({ state: 'hidden' });
    expect(await page.locator(`${PANE} .lab-pane-header`).isVisible()).toBe(true);
    expect(await tool(page, 'Replier le terminal').isVisible()).toBe(true);
    expect((await box(page)).height).toBeLessThan(before.height / 2);
    await tool(page, 'Replier le terminal').click();
    await body.waitFor({ state: 'visible' });
    await settle(
      () => box(page),
      (b) => Math.abs(b.height - before.height) < 1,
      'height given back',
    );
    await waitForPane(page, /après-42/);
  });

  it('⤢ makes the pane cover the window, and a second press puts it back', async () => {
    const before = await box(page);
    await tool(page, 'Plein écran').click();
    const full = await settle(
      () => box(page),
      (b) => b.width >= VIEWPORT.width - 1 && b.height >= VIEWPORT.height - 1,
      'full screen pane',
    );
    expect(full.x).toBeLessThanOrEqual(0.5);
    expect(full.y).toBeLessThanOrEqual(0.5);
    // Nothing of the slide shows above it: the pane is what is drawn at the window's corners and middle.
    const onTop = await page.evaluate(
      ([pane, w, h]) =>
        [
          [2, 2],
          [w - 3, h - 3],
          [w / 2, h / 2],
        ].every(([x, y]) => document.elementFromPoint(x ?? 0, y ?? 0)?.closest(pane ?? '') !== null),
      [PANE, VIEWPORT.width, VIEWPORT.height] as const,
    );
    expect(onTop).toBe(true);
    await screenshot(page, 'pane-fullscreen');
    await tool(page, 'Plein écran').click();
    await settle(
      () => box(page),
      (b) => Math.abs(b.width - before.width) < 1 && Math.abs(b.height - before.height) < 1,
      'pane put back',
    );
    expect(problems.list).toEqual([]);
  });
});

describe('the replay bar of a pane without server', () => {
  let files: StaticServer;
  let page: Page;
  let problems: PageProblems;
  const bar = `${PANE} .lab-replay-bar`;
  const seek = `${bar} .lab-replay-seek`;
  const position = async (): Promise<number> => Number(await page.inputValue(seek));
  /** Pauses if it plays (the button is « Pause » only then). */
  const pause = async (): Promise<void> => {
    if ((await page.getAttribute(bar, 'data-state')) === 'playing') await page.click(`${bar} button[title="Pause"]`);
    await page.waitForSelector(`${bar}:not([data-state="playing"])`);
  };

  beforeAll(async () => {
    files = await serveStatic(dist);
    page = await browser.newPage({ viewport: VIEWPORT });
    problems = watchPage(page, new URL(files.url).origin);
    await openDeck(page, files.url);
    await gotoDemoSlide(page, SLIDE);
    await page.waitForSelector(`${PANE}[data-state="replay"]`);
  });
  afterAll(async () => {
    await page?.close();
    await files?.close();
  });

  it('pauses and plays: time stands still while paused, and moves on again', async () => {
    await page.waitForSelector(`${bar}[data-state="playing"]`);
    await page.click(`${bar} button[title="Pause"]`);
    await page.waitForSelector(`${bar}[data-state="paused"]`);
    const paused = await position();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await position()).toBe(paused);
    expect(await page.textContent(`${bar} button[title="Lire"]`)).toBe('▶');
    await page.click(`${bar} button[title="Lire"]`);
    await page.waitForSelector(`${bar}[data-state="playing"]`);
    await page.waitForFunction(
      ([css, from]) => Number((document.querySelector(css ?? '') as HTMLInputElement | null)?.value) > Number(from),
      [seek, paused] as const,
    );
    expect(await page.textContent(`${bar} button[title="Pause"]`)).toBe('❚❚');
  });

  it('goes back to the start: position 0 and the screen of the recording’s beginning', async () => {
    // The demo's end: the VM started in the background, listed by ps.
    await pause();
    await page.locator(seek).fill((await page.getAttribute(seek, 'max')) ?? '0');
    await waitForPane(page, /ps aux \| grep qemu-system \| fold -s\s+cours-l/);
    await page.click(`${bar} button[title="Revenir au début"]`);
    await page.waitForFunction(
      (css) => Number((document.querySelector(css) as HTMLInputElement | null)?.value) < 0.05,
      seek,
    );
    expect(await paneText(page)).not.toMatch(/Formatting '\/tmp\/img\.qcow2'|ps aux \| grep qemu-system/);
    expect(await page.textContent(`${bar} .lab-replay-time`)).toMatch(/^0:00 \//);
  });

  it('plays the next command, one step at a time', async () => {
    await page.click(`${bar} button[title="Commande suivante"]`);
    await page.waitForSelector(`${bar}[data-step="img-create"]`);
    await waitForPane(page, /Formatting '\/tmp\/img\.qcow2'/);
    expect(await page.textContent(`${bar} .lab-replay-step`)).toBe('img-create');
    await page.waitForSelector(`${bar}[data-state="paused"]`, { timeout: 20_000 });
    expect(await paneText(page)).not.toContain('root@tiny');
    await page.click(`${bar} button[title="Commande suivante"]`);
    await page.waitForSelector(`${bar}[data-step="boot"]`);
    await waitForPane(page, /root@tiny:\/# /);
  });

  it('moves to where the position bar is set, both ways', async () => {
    await pause();
    const max = Number(await page.getAttribute(seek, 'max'));
    expect(max).toBeGreaterThan(1);
    await page.locator(seek).fill(String(max));
    await waitForPane(page, /ps aux \| grep qemu-system \| fold -s\s+cours-l/);
    expect(await page.textContent(`${bar} .lab-replay-time`)).toMatch(/^(\d+:\d\d) \/ \1$/);
    await page.locator(seek).fill('0');
    await page.waitForFunction(
      (pane) => !/Formatting/.test(document.querySelector(`${pane} .xterm-rows`)?.textContent ?? ''),
      PANE,
    );
  });

  it('plays faster at a higher speed, ×0.5 to ×4', async () => {
    // How long the recording takes to reach its second 1.5 (the position moves by events, so time is
    // measured to a position rather than positions after a time).
    const target = 1.5;
    const took = async (speed: string): Promise<number> => {
      await pause();
      await page.locator(seek).fill('0');
      await page.selectOption(`${bar} .lab-replay-speed`, speed);
      const started = performance.now();
      await page.click(`${bar} button[title="Lire"]`);
      await page.waitForFunction(
        ([css, at]) => Number((document.querySelector(css ?? '') as HTMLInputElement | null)?.value) >= Number(at),
        [seek, target] as const,
        {
          polling: 20,
          timeout: 20_000,
        },
      );
      const elapsed = performance.now() - started;
      await pause();
      return elapsed;
    };
    const speeds = ['0.5', '1', '2', '4'];
    expect(await page.locator(`${bar} .lab-replay-speed option`).allTextContents()).toEqual(['×0.5', '×1', '×2', '×4']);
    const times: number[] = [];
    for (const speed of speeds) times.push(await took(speed));
    const shown = times.map((t) => Math.round(t)).join(', ');
    for (let i = 1; i < times.length; i++)
      expect(times[i], `×${speeds[i]} against ×${speeds[i - 1]}: ${shown} ms`).toBeLessThan((times[i - 1] ?? 0) / 1.4);
    await page.selectOption(`${bar} .lab-replay-speed`, '1');
  });

  it('▶ of a command on the slide jumps to its step and plays it', async () => {
    await page.locator(seek).fill(String(Number(await page.getAttribute(seek, 'max'))));
    await waitForPane(page, /ps aux \| grep qemu-system \| fold -s\s+cours-l/);
    await runCommand(page, 'qemu-img create');
    await page.waitForSelector(`${bar}[data-step="img-create"]`);
    await waitForPane(page, /Formatting '\/tmp\/img\.qcow2'/);
    await page.waitForSelector(`${bar}[data-state="paused"]`, { timeout: 20_000 });
    expect(await paneText(page)).not.toContain('root@tiny');
    await screenshot(page, 'pane-replay-step');
    expect(problems.list).toEqual([]);
  });
});
