/**
 * « Vérifier » on an exercise slide, pressed as a person would: in the live deck the checks run in the
 * pane's own lab and say ✗ with the hint, then ✓ once the exercise is done in the terminal; in the static
 * deck (no server) the button waits and says that checks need a lab, and the pane replays the solution.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../helpers/browser.ts';
import { liveDeck, staticDeck, type LiveDeck, type StaticDeck } from '../helpers/deck-browser.ts';
import { gotoDemoSlide, PANE, waitForPane } from '../helpers/deck-page.ts';

const CONTROL = '.remark-visible .verify-control';
const SLIDE = 'un disque adossé';

async function results(page: Page): Promise<string> {
  return page.locator(`${CONTROL} .verify-results`).innerText();
}

describe('an exercise slide with a live lab', () => {
  let deck: LiveDeck;
  beforeAll(async () => {
    deck = await liveDeck({ width: 1280, height: 800 });
  });
  afterAll(() => deck?.close());

  it('shows ✗ and the hint before the exercise is done, and ✓ once it is', async () => {
    const { page } = deck;
    await gotoDemoSlide(page, SLIDE);
    await page.waitForSelector(`${PANE}[data-state="live"]`);
    const button = page.locator(`${CONTROL} .verify-button`);
    expect(await button.innerText()).toBe('Vérifier');
    await button.click();
    await page.waitForSelector(`${CONTROL}[data-phase="done"]`, { timeout: 60_000 });
    expect(await page.locator(`${CONTROL} li[data-mark="✗"]`).count()).toBeGreaterThan(0);
    expect(await results(page)).toMatch(/ma-vm\.qcow2/);
    expect(await button.innerText()).toBe('Vérifier de nouveau');

    await page.locator(`${PANE} .xterm`).click();
    await page.keyboard.type('qemu-img create -f qcow2 -b base.qcow2 -F qcow2 ma-vm.qcow2 2G && echo fait-$((6 * 7))');
    await page.keyboard.press('Enter');
    await waitForPane(page, /fait-42/);
    await button.click();
    await page.waitForFunction((control) => document.querySelector(`${control} li[data-mark="✓"]`) !== null, CONTROL, {
      timeout: 60_000,
    });
    expect(await results(page)).toContain('Bravo : tout est vérifié.');
    await screenshot(page, 'exercise-verified');
  }, 180_000);
});

describe('an exercise slide without a server', () => {
  let deck: StaticDeck;
  beforeAll(async () => {
    deck = await staticDeck({ width: 1280, height: 800 });
  });
  afterAll(() => deck?.close());

  it('keeps the statement, replays the solution, and says that checks need a live lab', async () => {
    const { page } = deck;
    await gotoDemoSlide(page, SLIDE);
    await page.waitForSelector(CONTROL);
    expect(await page.locator(`${CONTROL} .verify-button`).isDisabled()).toBe(true);
    expect(await results(page)).toMatch(/lab en direct/);
    expect(await page.locator('.remark-visible').innerText()).toContain('adossé');
    // The pane replays the recorded solution (npm run record -- --exercices): the chain down to its base.
    await page.waitForSelector(`${PANE}[data-state="replay"]`);
    await page.locator(PANE).getByRole('button', { name: 'Commande suivante' }).click();
    await waitForPane(page, /\$ qemu-img create -f qcow2 -b base\.qcow2[\s\S]*Formatting 'ma-vm\.qcow2'/);
    await page.evaluate((selector) => {
      const input = document.querySelector<HTMLInputElement>(selector);
      if (!input) throw new Error('pas de barre de position');
      input.value = input.max;
      input.dispatchEvent(new Event('input'));
    }, `${PANE} .lab-replay-seek`);
    await waitForPane(page, /backing file: base\.qcow2/);
  });
});
