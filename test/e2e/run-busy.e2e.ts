/**
 * ▶ knows what holds the terminal: with the tiny guest running on qemu's serial console in the qemu lab's
 * pane (the real VM, under TCG here: 20-60 s to boot), a ▶ on a host command is not typed into the guest.
 * The pane says what runs and how to leave it, « Envoyer quand même » types it all the same, and once
 * qemu is left (Ctrl-A X) the same ▶ runs on the host again.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type PageProblems } from '../helpers/browser.ts';
import { liveDeck, type LiveDeck } from '../helpers/deck-browser.ts';
import { gotoDemoSlide, PANE, paneText, runCommand, runCommandId, waitForPane } from '../helpers/deck-page.ts';

const NOTICE = `${PANE} .lab-pane-notice`;

let deck: LiveDeck;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  deck = await liveDeck({ width: 1280, height: 800 });
  ({ page, problems } = deck);
});

afterAll(() => deck?.close());

describe('▶ while the VM holds the terminal', () => {
  it('says the VM runs there and how to leave it, sends it anyway on request, and runs on the host once qemu is left', async () => {
    await gotoDemoSlide(page, 'qemu-img create -f qcow2 /tmp/img.qcow2 6G');
    await page.waitForSelector(`${PANE}[data-state="live"]`);
    await runCommand(page, 'qemu-img create');
    await waitForPane(page, /Formatting '\/tmp\/img\.qcow2', fmt=qcow2/);
    expect(await page.locator(NOTICE).isVisible()).toBe(false);
    await runCommandId(page, 'boot');
    await waitForPane(page, /root@tiny:\/# \s*$/, 150_000);

    // A host command while the guest holds the terminal: not typed, and the pane says why.
    await page.locator(`${PANE} .xterm`).click();
    await page.keyboard.type('echo guest-$((2 * 21))');
    await page.keyboard.press('Enter');
    await waitForPane(page, /guest-42\s+root@tiny:\/# \s*$/);
    await runCommand(page, 'qemu-img create');
    await page.locator(NOTICE).waitFor({ state: 'visible' });
    expect(await page.textContent(`${NOTICE} .lab-pane-notice-text`)).toBe(
      'Commande non tapée : la VM tourne dans ce terminal : Ctrl-A X pour quitter qemu.',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await paneText(page)).toMatch(/guest-42\s+root@tiny:\/# \s*$/);
    await screenshot(page, 'run-busy-notice');

    // « Envoyer quand même »: typed into the guest, whose shell has no qemu-img.
    await page.click(`${NOTICE} button:has-text("Envoyer quand même")`);
    await page.locator(NOTICE).waitFor({ state: 'hidden' });
    await waitForPane(page, /root@tiny:\/# qemu-img create -f qcow2 \/tmp\/img\.qcow2 6G\s+-?sh: qemu-img: not found/);
    await screenshot(page, 'run-busy-forced');

    // Ctrl-A X leaves qemu: the host's prompt is back, and the same ▶ runs there.
    await page.locator(`${PANE} .xterm`).click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('x');
    await waitForPane(page, /QEMU: Terminated\s+étudiant@qemu:~\$ \s*$/, 30_000);
    await runCommand(page, 'qemu-img create');
    await waitForPane(
      page,
      /QEMU: Terminated\s+étudiant@qemu:~\$ qemu-img create -f qcow2 \/tmp\/img\.qcow2 6G\s+Formatting/,
    );
    expect(await page.locator(NOTICE).isVisible()).toBe(false);
    expect(problems.list).toEqual([]);
  }, 240_000);

  it('closes the notice with ×', async () => {
    await runCommandId(page, 'boot');
    // A ▶ while the VM boots (qemu holds the terminal before the guest's prompt is there).
    await runCommand(page, 'qemu-img create');
    await page.locator(NOTICE).waitFor({ state: 'visible' });
    await page.click(`${NOTICE} button[title="Fermer ce message"]`);
    await page.locator(NOTICE).waitFor({ state: 'hidden' });
    await page.locator(`${PANE} .xterm`).click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('x');
    await waitForPane(page, /QEMU: Terminated\s+étudiant@qemu:~\$ \s*$/, 30_000);
  }, 120_000);
});
