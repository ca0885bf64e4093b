/**
 * The classroom, two Chromium pages on one lab server started with --classroom: the audience's page
 * follows the presenter's slides and shows the presenter's terminal read-only; it may browse away and
 * catch up; nothing it does moves the room or reaches the shell.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, watchPage, type PageProblems } from '../helpers/browser.ts';
import { demoSlideIndex, openDeck, PANE, paneText, waitForPane } from '../helpers/deck-page.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dist = process.env['DECK_DIST'] || join(ROOT, 'dist');

let server: ServerProcess;
let browser: Browser;
let presenter: Page;
let audience: Page;
let problems: PageProblems;

const shown = (page: Page): Promise<string> => page.evaluate(() => location.hash);

beforeAll(async () => {
  server = await spawnServer(['--classroom', '--host', '127.0.0.1', '--grace', '60'], {
    labsDir: join(ROOT, 'labs'),
    distDir: dist,
  });
  const output = server.output();
  browser = await launchChromium();
  presenter = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  audience = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  problems = watchPage(audience, server.target.origin);
  await openDeck(presenter, /Ouvrez : (\S+)/.exec(output)?.[1] ?? '');
  await openDeck(audience, /Public \(lecture seule\) : (\S+)/.exec(output)?.[1] ?? '');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a classroom', () => {
  it('prints the audience URL with its QR code, and warns that it runs without TLS', () => {
    const output = server.output();
    expect(output).toMatch(/Public \(lecture seule\) : http:\/\/127\.0\.0\.1:\d+\/\?audience=/);
    expect(output).toContain('▄▄▄▄▄▄▄');
    expect(output).toMatch(/Salle de classe sans TLS/);
    expect(audience.url()).not.toContain('audience=');
  });

  it('has the audience follow the presenter’s slide and watch its terminal, read-only', async () => {
    const index = await demoSlideIndex(presenter, 'qemu-img create -f qcow2 /tmp/img.qcow2 6G');
    await presenter.evaluate((n) => (location.hash = `#${n + 1}`), index);
    await audience.waitForFunction((n) => location.hash === `#${n + 1}`, index);
    await audience.waitForSelector('.follow-bar[data-mode="follow"]');
    await presenter.waitForSelector(`${PANE}[data-state="live"]`);
    await presenter
      .locator('.remark-visible .remark-code-line.runnable', { hasText: 'qemu-img create' })
      .first()
      .locator('.run-command')
      .click();
    await audience.waitForSelector(`${PANE}[data-state="viewer"]`);
    await waitForPane(audience, /Formatting '\/tmp\/img\.qcow2'/);
    expect(await audience.locator('.remark-visible .run-command').count()).toBe(0);
    // The next step of the presenter reaches the audience too.
    await presenter.keyboard.press('ArrowRight');
    await audience.waitForFunction((n) => location.hash === `#${n + 2}`, index);
    await screenshot(audience, 'classroom-audience');
  });

  it('lets a student browse away and catch up, without moving the room or reaching the shell', async () => {
    const room = await shown(presenter);
    await audience.keyboard.press('ArrowLeft');
    await audience.keyboard.press('ArrowLeft');
    await audience.waitForSelector('.follow-bar[data-mode="browse"]');
    expect(await shown(presenter)).toBe(room);
    // Typing into the read-only terminal reaches nobody.
    const index = await demoSlideIndex(audience, 'qemu-img create -f qcow2 /tmp/img.qcow2 6G');
    await audience.evaluate((n) => (location.hash = `#${n + 1}`), index);
    await audience.locator(`${PANE} .xterm`).click();
    await audience.keyboard.type('echo vient-du-public');
    await audience.keyboard.press('Enter');
    await presenter.waitForTimeout(500);
    expect(await paneText(presenter)).not.toContain('vient-du-public');
    // The presenter moves on while the student browses; catching up goes there and follows again.
    await presenter.keyboard.press('ArrowRight');
    const moved = await shown(presenter);
    expect(await shown(audience)).not.toBe(moved);
    await audience.click('.follow-bar button');
    await audience.waitForSelector('.follow-bar[data-mode="follow"]');
    expect(await shown(audience)).toBe(moved);
    expect(problems.list).toEqual([]);
  });

  it('offers « Vérifier » on an exercise to the presenter, whose lab it is, and not to the audience, who watch it', async () => {
    const index = await demoSlideIndex(presenter, 'un disque adossé');
    await presenter.evaluate((n) => (location.hash = `#${n + 1}`), index);
    await audience.waitForFunction((n) => location.hash === `#${n + 1}`, index);
    const control = '.remark-visible .verify-control';
    // The presenter's button waits for the attach, then can be pressed.
    await presenter.waitForSelector(`${control} .verify-button:enabled`);
    expect(await presenter.locator(`${control} .verify-button`).innerText()).toBe('Vérifier');
    await audience.waitForSelector(`${PANE}[data-state="viewer"]`);
    await audience.waitForSelector(`${control}[data-phase="no-lab"]`);
    expect(await audience.locator(`${control} .verify-button`).isDisabled()).toBe(true);
    expect(await audience.locator(`${control} .verify-results`).innerText()).toMatch(/lecture seule/);
    // Pressed anyway (a click on a disabled button), it sends nothing and changes nothing.
    await audience.locator(`${control} .verify-button`).click({ force: true });
    expect(await audience.getAttribute(control, 'data-phase')).toBe('no-lab');
    await screenshot(audience, 'classroom-audience-exercise');
    await screenshot(presenter, 'classroom-presenter-exercise');
    expect(problems.list).toEqual([]);
  });
});
