/**
 * The live panes against the real lab server (its own process, the project's labs, the built deck):
 * click a command on a slide and see real qemu-img, qemu, virsh and openstack (the lab cloud) answer in the pane; type in the
 * terminal without remark stealing keys; reload and get the same screen back; the audience page watches
 * read-only, without run controls.
 */
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MIN_FONT_PX, DEMO_TERMINAL } from '../../src/protocol/limits.ts';
import { paneFit } from '../helpers/pane-fit.ts';
import { screenshot, type PageProblems } from '../helpers/browser.ts';
import { liveDeck, type LiveDeck } from '../helpers/deck-browser.ts';
import { gotoDemoSlide, openDeck, runCommand, runCommandId, waitForPane } from '../helpers/deck-page.ts';

let deck: LiveDeck;
let browser: Browser;
let page: Page;
let problems: PageProblems;

/** The start URL printed by the server, token included, and the audience one. */
const startUrls = (): { presenter: string; audience: string } => deck.server.urls;

beforeAll(async () => {
  deck = await liveDeck({ width: 1280, height: 720 });
  ({ browser, page, problems } = deck);
});

afterAll(() => deck?.close());

describe('lab panes on the real server', () => {
  it('runs qemu-img from the slide, takes typing without remark keys, restores the screen on reload', async () => {
    await gotoDemoSlide(page, 'qemu-img create -f qcow2 /tmp/img.qcow2 6G');
    await page.waitForSelector('.remark-visible .lab-pane[data-state="live"]');
    expect(page.url()).not.toContain('token=');
    // Headless Chromium draws WebGL in software (SwiftShader), slower than the DOM renderer: the pane keeps the DOM.
    expect(await page.getAttribute('.remark-visible .lab-pane', 'data-renderer')).toBe('dom');
    await runCommand(page, 'qemu-img create');
    await waitForPane(page, /Formatting '\/tmp\/img\.qcow2', fmt=qcow2/);

    await page.locator('.remark-visible .lab-pane .xterm').click();
    await page.keyboard.type('qemu-img info /tmp/img.qcow2');
    await page.keyboard.press('Enter');
    await waitForPane(page, /virtual size: 6 GiB/);
    // `p` typed in the terminal is the shell's, not remark's presenter key.
    await page.keyboard.type('echo p');
    await page.keyboard.press('Enter');
    await waitForPane(page, /\n\s*p\s*\n/);
    expect(await page.evaluate(() => document.querySelector('.remark-presenter-mode') !== null)).toBe(false);
    await screenshot(page, 'lab-qemu-img');
    // Escape twice gives the keyboard back to the slides: `p` is remark's again.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.keyboard.press('p');
    await page.waitForSelector('.remark-container.remark-presenter-mode');
    await page.keyboard.press('p');

    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('.remark-slide-container').length > 100);
    await gotoDemoSlide(page, 'qemu-img create -f qcow2 /tmp/img.qcow2 6G');
    await waitForPane(page, /virtual size: 6 GiB/);
  });

  it('boots the tiny guest from the slide and shows its shell prompt', async () => {
    await runCommandId(page, 'boot');
    await waitForPane(page, /root@tiny:\/# /, 90_000);
    await screenshot(page, 'lab-qemu-boot');
  });

  it('lets the audience watch read-only, without run controls', async () => {
    const audience = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await openDeck(audience, startUrls().audience);
      await gotoDemoSlide(audience, 'qemu-img create -f qcow2 /tmp/img.qcow2 6G');
      await audience.waitForSelector('.remark-visible .lab-pane[data-state="viewer"]');
      await waitForPane(audience, /root@tiny:\/# /);
      expect(await audience.locator('.remark-visible .run-command').count()).toBe(0);
    } finally {
      await audience.close();
    }
  });

  it('defines, starts and lists a libvirt domain with virsh', async () => {
    await gotoDemoSlide(page, 'virsh define tiny.xml');
    await page.waitForSelector('.remark-visible .lab-pane[data-lab="libvirt"][data-state="live"]');
    await runCommand(page, 'virsh define tiny.xml');
    await waitForPane(page, /Domain 'tiny' defined from tiny\.xml/, 60_000);
    await runCommand(page, 'virsh start tiny');
    await waitForPane(page, /Domain 'tiny' started/, 60_000);
    await runCommand(page, 'virsh list --all');
    await waitForPane(page, /\d+\s+tiny\s+running/);
    await screenshot(page, 'lab-libvirt');
    expect(problems.list).toEqual([]);
  });

  it('lists the projects of the lab cloud from the Keystone slide, and creates a volume from the Cinder one', async () => {
    // A projector's size: the tables fit the pane as it is, in legible text.
    await page.setViewportSize({ width: 1280, height: 800 });
    await gotoDemoSlide(page, 'openstack --os-cloud admin project list');
    await page.waitForSelector('.remark-visible .lab-pane[data-lab="cloud"][data-state="live"]', { timeout: 60_000 });
    await runCommand(page, 'openstack --os-cloud admin project list');
    // A new session of the cloud lab first removes what earlier demos created (labs:check's, in CI): the
    // click is typed once that is done.
    await waitForPane(page, /\|\s+invisible_to_admin\s+\|/, 150_000);
    await gotoDemoSlide(page, 'openstack volume create --size 8 my-volume');
    await runCommand(page, 'openstack volume create --size 8 my-volume');
    await waitForPane(page, /\|\s+name\s+\|\s+my-volume\s+\|/, 60_000);
    // The next command is typed in the terminal.
    await page.locator('.remark-visible .lab-pane .xterm').click();
    await page.keyboard.type('openstack volume list');
    await page.keyboard.press('Enter');
    await waitForPane(page, /\|\s+my-volume\s+\|\s+(creating|available)\s+\|\s+8\s+\|/, 60_000);
    await screenshot(page, 'lab-cloud');
    const fit = await paneFit(page);
    expect(fit).toMatchObject({ cols: DEMO_TERMINAL.cols, rows: DEMO_TERMINAL.rows, wrapped: [] });
    expect(fit.fontPx).toBeGreaterThanOrEqual(DEMO_MIN_FONT_PX);
    expect(problems.list).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 720 });
  }, 240_000);

  it('replays the recording when the server cannot be reached, and offers to go live again when it is back', async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    // The network between this page and its server, cut and restored at will.
    let reachable = true;
    const sockets: WebSocketRoute[] = [];
    await other.routeWebSocket(/\/ws$/, (socket) => {
      if (!reachable) return void socket.close();
      socket.connectToServer();
      sockets.push(socket);
    });
    await other.route('**/api/status', (route) => (reachable ? route.continue() : route.abort('internetdisconnected')));
    try {
      await openDeck(other, startUrls().presenter);
      await gotoDemoSlide(other, 'virsh define tiny.xml');
      await other.waitForSelector('.remark-visible .lab-pane:is([data-state="live"], [data-state="viewer"])');
      reachable = false;
      for (const socket of sockets.splice(0)) await socket.close();
      await other.waitForSelector('.remark-visible .lab-pane[data-state="replay"]', { timeout: 30_000 });
      await waitForPane(other, /Domain 'tiny' defined from tiny\.xml/);
      expect(await other.locator('.remark-visible .lab-replay-live').isVisible()).toBe(false);
      reachable = true;
      // An offline page looks for its server again every 15 s.
      await other.locator('.remark-visible .lab-replay-live').waitFor({ state: 'visible', timeout: 40_000 });
      await other.locator('.remark-visible .lab-replay-live').click();
      await other.waitForSelector('.remark-visible .lab-pane:is([data-state="live"], [data-state="viewer"])');
      expect(await other.locator('.remark-visible .lab-replay-bar').count()).toBe(0);
      // The live session's own screen is back: the domain this test file started is running there.
      await waitForPane(other, /\d+\s+tiny\s+running/);
    } finally {
      await other.close();
    }
  });
});
