/**
 * An exercise in a hands-on class, in Chromium: the presenter's page and one student's page (its own
 * browser context, so its own cookies) on a --hands-on server. The student joins, presses « Vérifier » on
 * the qemu exercise without doing it (✗ and the hint), twice; the presenter's « Exercices » row says 0/1
 * and lists the student as stuck, and a click on them opens their terminal read-only. The student then
 * types the solution in their own pane and gets ✓; the row says 1/1, nobody stuck.
 * The qemu lab needs its guest built (labs/guest/out, `sudo npm run setup`); LABS_DIR may name a copy of
 * labs/ whose guest is built there instead.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from '../helpers/browser.ts';
import { demoSlideIndex, openDeck, PANE, waitForPane } from '../helpers/deck-page.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dist = process.env['DECK_DIST'] || join(ROOT, 'dist');
// The labs the server loads: LABS_DIR names a copy whose guest VM (labs/guest/out) is built elsewhere.
const labsDir = process.env['LABS_DIR'] || join(ROOT, 'labs');
const VIEWPORT = { width: 1280, height: 800 };
/** The qemu exercise (labs/qemu/lab.json `qcow2-chaine`), found by its slide's title. */
const SLIDE = 'un disque adossé';
const ROW = '.class-panel .exercise-row[data-exercise="qemu/qcow2-chaine"]';
const CONTROL = '.remark-visible .verify-control';

let server: ServerProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
let presenter: Page;
let student: Page;

async function newPage(url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  contexts.push(context);
  const page = await context.newPage();
  await openDeck(page, url);
  return page;
}

/** Presses « Vérifier » (or « Vérifier de nouveau ») and waits for the results. */
async function verify(page: Page): Promise<void> {
  await page.locator(`${CONTROL} .verify-button`).click();
  await page.waitForSelector(`${CONTROL}[data-phase="done"]`, { timeout: 60_000 });
}

/** Types a command into the student's own pane and waits for `expected`. */
async function typeInPane(page: Page, command: string, expected: RegExp): Promise<void> {
  await page.locator(`${PANE} .xterm`).click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await waitForPane(page, expected);
}

async function openClassPanel(): Promise<void> {
  const panel = presenter.locator('.class-panel');
  if (!(await panel.isVisible())) await presenter.locator('.class-button').click();
  await panel.waitFor({ state: 'visible' });
}

beforeAll(async () => {
  server = await spawnServer(['--hands-on', '--host', '127.0.0.1', '--grace', '60'], { labsDir, distDir: dist });
  const audienceUrl = /Public \(lecture seule\) : (\S+)/.exec(server.output())?.[1] ?? '';
  browser = await launchChromium();
  presenter = await newPage(server.target.url);
  // The presenter shows the exercise; the student's page follows it there, then joins.
  const slide = await demoSlideIndex(presenter, SLIDE);
  await presenter.evaluate((n) => (location.hash = `#${n + 1}`), slide);
  await presenter.waitForSelector(`${PANE}[data-state="live"]`);
  student = await newPage(audienceUrl);
  await student.waitForFunction((n) => location.hash === `#${n + 1}`, slide);
  await student.getByRole('button', { name: 'Mon propre lab' }).click();
  await student.getByLabel('Votre nom (le présentateur le verra)').fill('Alice');
  await student.getByRole('button', { name: 'Rejoindre' }).click();
  await student.waitForSelector('.follow-bar[data-mode="own"]');
  await student.waitForSelector(`${PANE}[data-state="live"] .lab-pane-badge`).catch(async (error: unknown) => {
    // What the pane and the server said (a lab not ready, say), for whoever reads the failure.
    await screenshot(student, 'exercise-class-join-failed');
    throw new Error(
      `the student's own lab never went live; the pane shows:\n${await student.locator(PANE).innerText()}\nthe server said:\n${server.output().slice(-2000)}`,
      { cause: error },
    );
  });
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

describe('an exercise in a hands-on class', () => {
  it('says ✗ and the hint to the student who has not done it, and again the second time', async () => {
    expect(await student.locator(`${CONTROL} .verify-button`).innerText()).toBe('Vérifier');
    await verify(student);
    const results = student.locator(`${CONTROL} .verify-results`);
    expect(await student.locator(`${CONTROL} li[data-mark="✗"]`).count()).toBeGreaterThan(0);
    expect(await results.innerText()).toContain('Pas de ma-vm.qcow2 dans le dossier du lab');
    expect(await student.locator(`${CONTROL} .verify-button`).innerText()).toBe('Vérifier de nouveau');
    await verify(student);
    expect(await student.locator(`${CONTROL} li[data-mark="✗"]`).count()).toBeGreaterThan(0);
    expect(await results.innerText()).toContain('Pas de ma-vm.qcow2 dans le dossier du lab');
  }, 150_000);

  it('shows the presenter the exercise at 0/1, with the student stuck after two failures', async () => {
    await expect.poll(() => presenter.locator('.class-button').innerText()).toBe('Classe (1)');
    await openClassPanel();
    const row = presenter.locator(ROW);
    await expect.poll(() => row.locator('.exercise-count').innerText(), { timeout: 15_000 }).toBe('0/1 réussi');
    expect(await row.locator('.exercise-name').innerText()).toBe('Un disque adossé');
    expect(await row.locator('.exercise-where').innerText()).toMatch(/^qcow2-chaine · qemu.* · diapositive \d+$/);
    const stuck = row.locator('.exercise-stuck-student');
    await expect.poll(() => stuck.count()).toBe(1);
    expect(await stuck.innerText()).toMatch(/Alice\s+bloqué·e : 2 échecs/);
    expect(await stuck.isEnabled()).toBe(true);
    // The deck's other exercises have their rows too, in deck order, nobody done.
    const keys = await presenter
      .locator('.class-panel .exercise-row')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['exercise']));
    expect(keys[0]).toBe('qemu/qcow2-chaine');
    expect(keys.length).toBeGreaterThan(1);
    await screenshot(presenter, 'exercise-class-stuck');
  });

  it('opens the stuck student’s terminal read-only in one click', async () => {
    await presenter.locator(`${ROW} .exercise-stuck-student`).click();
    const watched = presenter.locator('.watch-dock .lab-pane');
    await watched.waitFor({ state: 'visible' });
    expect(await watched.locator('.lab-pane-title').innerText()).toContain('Alice');
    await presenter.waitForSelector('.watch-dock .lab-pane[data-state="viewer"]');
    // The student is told, in words.
    await student.locator(`${PANE} .lab-pane-watched`).waitFor({ state: 'visible' });
    await screenshot(presenter, 'exercise-class-watching');
  });

  it('counts the exercise once the student has done it and got ✓, nobody stuck', async () => {
    await typeInPane(
      student,
      'qemu-img create -f qcow2 -b base.qcow2 -F qcow2 ma-vm.qcow2 2G',
      /Formatting 'ma-vm\.qcow2'/,
    );
    await typeInPane(student, 'qemu-img info --backing-chain ma-vm.qcow2', /backing file: base\.qcow2/);
    // The presenter watched it happen in the read-only pane.
    await presenter.waitForFunction(() =>
      (document.querySelector<HTMLElement>('.watch-dock .xterm-rows')?.innerText ?? '').includes(
        'backing file: base.qcow2',
      ),
    );
    await verify(student);
    await student.waitForFunction(
      (control) => document.querySelector(`${control} li[data-mark="✓"]`) !== null,
      CONTROL,
    );
    expect(await student.locator(`${CONTROL} .verify-results`).innerText()).toContain('Bravo : tout est vérifié.');

    await presenter.locator('.watch-dock').getByRole('button', { name: 'Fermer ce terminal' }).click();
    await presenter.locator('.watch-dock').waitFor({ state: 'detached' });
    await openClassPanel();
    const row = presenter.locator(ROW);
    await expect.poll(() => row.locator('.exercise-count').innerText(), { timeout: 15_000 }).toBe('1/1 réussi');
    expect(await row.getAttribute('data-complete')).toBe('true');
    expect(await presenter.locator('.class-panel .exercise-stuck-student').count()).toBe(0);
    await screenshot(presenter, 'exercise-class-done');
  }, 150_000);
});
