/**
 * A hands-on class in Chromium: the presenter's page and two students' pages (each its own browser
 * context, so its own cookies) on one lab server started with --hands-on. Each student joins by name,
 * runs the qemu demo with ▶ in their own lab and sees only their own output; a name already taken gets
 * the server's message; a student goes back to following the presenter and to their own lab again; the
 * presenter's class panel lists both, opens the second student's terminal read-only (the student sees
 * that they are watched), and ends the class, which sends both students back to the audience.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from '../helpers/browser.ts';
import { demoSlideIndex, openDeck, PANE, paneText, runCommand, waitForPane } from '../helpers/deck-page.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dist = process.env['DECK_DIST'] || join(ROOT, 'dist');
const VIEWPORT = { width: 1280, height: 800 };
const SLIDE = 'qemu-img create -f qcow2 /tmp/img.qcow2 6G';

let server: ServerProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
let presenter: Page;
let alice: Page;
let bruno: Page;
let audienceUrl: string;
let slide: number;

async function newPage(url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  contexts.push(context);
  const page = await context.newPage();
  await openDeck(page, url);
  return page;
}

const bar = (page: Page) => page.locator('.follow-bar');
const ownButton = (page: Page) => page.getByRole('button', { name: 'Mon propre lab' });
const followButton = (page: Page) =>
  page.locator('.labs-choice').getByRole('button', { name: 'Suivre le présentateur' });

/** Types a command into the visible pane (the page must be its writer) and waits for `expected`. */
async function typeInPane(page: Page, command: string, expected: RegExp): Promise<void> {
  await page.locator(`${PANE} .xterm`).click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await waitForPane(page, expected);
}

/**
 * The rows of the last `openstack server list` on screen: its table fits the pane, so a long ID is
 * wrapped over several lines of its cell, put back together here.
 */
function listedServers(text: string): { id: string; name: string }[] {
  const listing = text.slice(text.lastIndexOf('$ openstack server list'));
  const rows = listing
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(1);
  const servers: { id: string; name: string }[] = [];
  for (const row of rows) {
    const [id = '', name = ''] = row
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const last = servers.at(-1);
    if (name === '' && last) last.id += id;
    else servers.push({ id, name });
  }
  return servers;
}

/** « Mon propre lab », a name, « Rejoindre »: the page is a student's, its pane their own lab. */
async function joinAs(page: Page, name: string): Promise<void> {
  await ownButton(page).click();
  await page.getByLabel('Votre nom (le présentateur le verra)').fill(name);
  await page.getByRole('button', { name: 'Rejoindre' }).click();
  await page.waitForSelector('.follow-bar[data-mode="own"]');
  await page.waitForSelector(`${PANE}[data-state="live"] .lab-pane-badge`);
}

beforeAll(async () => {
  server = await spawnServer(['--hands-on', '--host', '127.0.0.1', '--grace', '60'], {
    labsDir: join(ROOT, 'labs'),
    distDir: dist,
  });
  audienceUrl = /Public \(lecture seule\) : (\S+)/.exec(server.output())?.[1] ?? '';
  browser = await launchChromium();
  presenter = await newPage(server.target.url);
  slide = await demoSlideIndex(presenter, SLIDE);
  await presenter.evaluate((n) => (location.hash = `#${n + 1}`), slide);
  await presenter.waitForSelector(`${PANE}[data-state="live"]`);
  alice = await newPage(audienceUrl);
  bruno = await newPage(audienceUrl);
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

describe('a hands-on class', () => {
  it('offers the audience its own lab beside following the presenter', async () => {
    for (const page of [alice, bruno]) {
      await page.waitForFunction((n) => location.hash === `#${n + 1}`, slide);
      await page.waitForSelector(`${PANE}[data-state="viewer"]`);
      await expect.poll(() => followButton(page).getAttribute('aria-pressed')).toBe('true');
      expect(await ownButton(page).getAttribute('aria-pressed')).toBe('false');
      expect(await page.locator('.remark-visible .run-command').count()).toBe(0);
    }
  });

  it('joins by name, and runs the demo with ▶ in the student’s own lab', async () => {
    // The form opens on « Mon propre lab »; « Annuler » closes it and changes nothing.
    await ownButton(alice).click();
    await alice.waitForSelector('.join-form:not([hidden])');
    await alice.getByRole('button', { name: 'Annuler' }).click();
    await alice.waitForSelector('.join-form', { state: 'hidden' });
    expect(await followButton(alice).getAttribute('aria-pressed')).toBe('true');

    await joinAs(alice, 'Alice');
    expect(await bar(alice).innerText()).toContain('Alice');
    expect(await ownButton(alice).getAttribute('aria-pressed')).toBe('true');
    await alice.waitForSelector('.remark-visible .run-command');
    await runCommand(alice, SLIDE);
    await waitForPane(alice, /Formatting '\/tmp\/img\.qcow2'/);
    await typeInPane(alice, 'echo alice-$((6*7))', /^alice-42$/m);
    // The presenter's own terminal got none of it.
    expect(await paneText(presenter)).not.toContain('alice-42');
    await screenshot(alice, 'hands-on-student');
  });

  it('refuses a name already taken, with the server’s message, keeping what was typed', async () => {
    await ownButton(bruno).click();
    const field = bruno.getByLabel('Votre nom (le présentateur le verra)');
    await field.fill('alice');
    // Enter in the field submits the form (and reaches neither remark nor the terminal).
    await field.press('Enter');
    const error = bruno.locator('.join-error');
    await error.waitFor({ state: 'visible' });
    expect(await error.innerText()).toContain('Ce nom est déjà pris dans la classe');
    expect(await error.innerText()).toContain('Ajoutez l’initiale de votre nom, ou un chiffre.');
    expect(await field.inputValue()).toBe('alice');
    expect(await bar(bruno).getAttribute('data-mode')).not.toBe('own');
    await field.fill('Bruno');
    await bruno.getByRole('button', { name: 'Rejoindre' }).click();
    await bruno.waitForSelector('.follow-bar[data-mode="own"]');
    expect(await bar(bruno).innerText()).toContain('Bruno');
  });

  it('keeps each student’s lab their own: neither sees the other’s output', async () => {
    // Bruno's slide no longer follows the presenter: he goes to the demo himself.
    await bruno.evaluate((n) => (location.hash = `#${n + 1}`), slide);
    await bruno.waitForSelector(`${PANE}[data-state="live"]`);
    await bruno.waitForSelector('.remark-visible .run-command');
    await runCommand(bruno, SLIDE);
    await waitForPane(bruno, /Formatting '\/tmp\/img\.qcow2'/);
    await typeInPane(bruno, 'echo bruno-$((6*7))', /^bruno-42$/m);
    expect(await paneText(bruno)).not.toContain('alice-42');
    expect(await paneText(alice)).not.toContain('bruno-42');
  });

  it('lists both students in the presenter’s class panel, with their slide, lab and last command', async () => {
    const button = presenter.locator('.class-button');
    await expect.poll(() => button.innerText()).toBe('Classe (2)');
    await button.click();
    const panel = presenter.locator('.class-panel');
    await panel.waitFor({ state: 'visible' });
    const row = (name: string) => panel.locator('.class-row', { hasText: name });
    // The slide as its number shows on screen (« 29 / 182 »: remark does not count steps there).
    const shownNumber = (await presenter.locator('.remark-visible .remark-slide-number').innerText())
      .split('/')[0]
      ?.trim();
    for (const [name, echo] of [
      ['Alice', 'echo alice'],
      ['Bruno', 'echo bruno'],
    ] as const) {
      await expect.poll(() => row(name).innerText()).toContain(echo);
      const text = await row(name).innerText();
      expect(text).toContain('connecté');
      expect(text).toContain(`diapositive ${shownNumber}`);
      expect(text).toContain('qemu');
      expect(text).toContain('✓ 0');
    }
    await screenshot(presenter, 'hands-on-class-panel');
  });

  it('opens the second student’s terminal read-only beside the presenter’s, and the student sees it', async () => {
    await presenter.locator('.class-row', { hasText: 'Bruno' }).getByRole('button').first().click();
    const watched = presenter.locator('.watch-dock .lab-pane');
    await watched.waitFor({ state: 'visible' });
    expect(await watched.locator('.lab-pane-title').innerText()).toContain('Bruno');
    await presenter.waitForSelector('.watch-dock .lab-pane[data-state="viewer"]');
    await presenter.waitForFunction(() =>
      (document.querySelector<HTMLElement>('.watch-dock .xterm-rows')?.innerText ?? '').includes('bruno-42'),
    );
    // Typing into the watched terminal reaches nobody.
    await watched.locator('.xterm').click();
    await presenter.keyboard.type('echo du-presentateur');
    await presenter.keyboard.press('Enter');
    // Bruno is told, in words; Alice is not watched.
    const notice = bruno.locator(`${PANE} .lab-pane-watched`);
    await notice.waitFor({ state: 'visible' });
    expect(await notice.innerText()).toContain('Le présentateur regarde ce terminal');
    expect(await alice.locator(`${PANE} .lab-pane-watched`).isVisible()).toBe(false);
    expect(await paneText(bruno)).not.toContain('du-presentateur');
    // The presenter's own pane is still there, live, beside it.
    expect(await presenter.locator(`${PANE}[data-state="live"]`).count()).toBe(1);
    await screenshot(presenter, 'hands-on-watching');
    await watched.getByRole('button', { name: 'Fermer ce terminal' }).click();
    await presenter.locator('.watch-dock').waitFor({ state: 'detached' });
    await notice.waitFor({ state: 'hidden' });
  });

  it('goes back to following the presenter and to the student’s own lab, which kept running', async () => {
    await alice.evaluate(() => (location.hash = '#1'));
    await followButton(alice).click();
    await alice.waitForSelector('.follow-bar[data-mode="follow"]');
    await alice.waitForFunction((n) => location.hash === `#${n + 1}`, slide);
    await alice.waitForSelector(`${PANE}[data-state="viewer"]`);
    await alice.waitForFunction(
      (pane) => !(document.querySelector<HTMLElement>(`${pane} .xterm-rows`)?.innerText ?? '').includes('alice-42'),
      PANE,
    );
    expect(await alice.locator('.remark-visible .run-command').count()).toBe(0);
    await ownButton(alice).click();
    expect(await alice.locator('.join-form').isVisible()).toBe(false);
    await alice.waitForSelector('.follow-bar[data-mode="own"]');
    await waitForPane(alice, /^alice-42$/m);
    // A reload keeps the student, their choice and their screen.
    await alice.reload();
    await alice.waitForFunction(() => document.querySelectorAll('.remark-slide-container').length > 100);
    await alice.evaluate((n) => (location.hash = `#${n + 1}`), slide);
    await alice.waitForSelector('.follow-bar[data-mode="own"]');
    expect(await bar(alice).innerText()).toContain('Alice');
    await waitForPane(alice, /^alice-42$/m);
  });

  it('creates each student’s server in their own cloud project: each lists only their own vm1', async () => {
    const create =
      'openstack server create --flavor m1.tiny --image cirros-0.3.4-x86_64-uec --network private --wait vm1';
    const createSlide = await demoSlideIndex(alice, create);
    const listSlide = await demoSlideIndex(alice, 'openstack server list');
    // Both at once: their projects are made while the panes say so (LAB_PREPARING), then ▶ shows.
    await Promise.all(
      [alice, bruno].map(async (page) => {
        await page.evaluate((n) => (location.hash = `#${n + 1}`), createSlide);
        await page.waitForSelector('.remark-visible .lab-pane[data-lab="cloud"][data-state="live"] .lab-pane-badge');
        await page.waitForSelector('.remark-visible .run-command', { timeout: 120_000 });
        await runCommand(page, create);
        await waitForPane(page, /\|\s+status\s+\|\s+ACTIVE\s+\|/, 240_000).catch(async (error: unknown) => {
          // What the pane showed (banner, badge, replay), for whoever reads the failure.
          await screenshot(page, `hands-on-nova-failed-${page === alice ? 'alice' : 'bruno'}`);
          throw error;
        });
      }),
    );
    const ids: string[] = [];
    for (const page of [alice, bruno]) {
      await page.evaluate((n) => (location.hash = `#${n + 1}`), listSlide);
      await page.waitForSelector('.remark-visible .run-command');
      await runCommand(page, 'openstack server list');
      // The listing, whole: its table closed and the prompt back.
      await waitForPane(page, /\$ openstack server list\n\+[-+]+\n[\s\S]*\n\+[-+]+\s*\n.*@cloud:~\$/, 120_000);
      const servers = listedServers(await paneText(page));
      expect(
        servers.map((server) => server.name),
        await paneText(page),
      ).toEqual(['vm1']);
      ids.push(servers[0]?.id ?? '');
    }
    expect(ids[0]).not.toBe(ids[1]);
    await screenshot(bruno, 'hands-on-nova');
  }, 600_000);

  it('ends the class after a confirmation: both students are back in the audience', async () => {
    await presenter.locator('.class-button').click();
    await presenter.getByRole('button', { name: 'Terminer la classe' }).click();
    const question = presenter.locator('.class-panel footer [role="alert"]');
    expect(await question.innerText()).toContain('Terminer la classe ?');
    // « Annuler » keeps the class; the second time, « Terminer » ends it.
    await presenter.getByRole('button', { name: 'Annuler' }).click();
    expect(await presenter.locator('.class-button').innerText()).toBe('Classe (2)');
    await presenter.getByRole('button', { name: 'Terminer la classe' }).click();
    await presenter.getByRole('button', { name: 'Terminer', exact: true }).click();
    for (const page of [alice, bruno]) {
      const ended = page.locator('.class-ended');
      await ended.waitFor({ state: 'visible' });
      expect(await ended.innerText()).toContain('La classe est terminée : vos labs ont été effacés.');
      await page.waitForSelector('.follow-bar[data-mode="follow"]');
      await page.waitForSelector(`${PANE}[data-state="viewer"]`);
      expect(await page.locator('.student-name').isVisible()).toBe(false);
      expect(await page.locator('.remark-visible .run-command').count()).toBe(0);
    }
    await expect.poll(() => presenter.locator('.class-button').innerText()).toBe('Classe (0)');
    await screenshot(bruno, 'hands-on-ended');
    await bruno.getByRole('button', { name: 'Compris' }).click();
    await bruno.locator('.class-ended').waitFor({ state: 'hidden' });
  });
});
