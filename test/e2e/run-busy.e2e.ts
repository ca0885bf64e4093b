/**
 * ▶ knows what holds the terminal: with the tiny guest running on qemu's serial console in the qemu lab's
 * pane (the real VM, under TCG here: 20-60 s to boot), a ▶ on a host command is not typed into the guest.
 * The pane says what runs and how to leave it, « Envoyer quand même » types it all the same, and once
 * qemu is left (Ctrl-A X) the same ▶ runs on the host again. The notice lies over the terminal's first
 * rows: showing or hiding it never resizes the terminal (a refit during a flood delayed it, issue 22).
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

interface TerminalLayout {
  readonly cols: number;
  readonly rows: number;
  readonly fontSize: number;
  /** The terminal's area and its cursor's row, in page pixels. */
  readonly body: { readonly top: number; readonly bottom: number; readonly height: number };
  readonly cursorRow: { readonly top: number; readonly bottom: number };
}

/** The pane's terminal as laid out now: its grid, its font and where its cursor's row is drawn. */
function terminalLayout(): Promise<TerminalLayout> {
  return page.evaluate((pane) => {
    const element = document.querySelector(pane) as
      | (HTMLElement & {
          labTerminal?: {
            cols: number;
            rows: number;
            options: { fontSize?: number };
            buffer: { active: { cursorY: number } };
          };
        })
      | null;
    const terminal = element?.labTerminal;
    const body = element?.querySelector('.lab-pane-body')?.getBoundingClientRect();
    const row = element?.querySelectorAll('.xterm-rows > div')[terminal?.buffer.active.cursorY ?? -1];
    const cursor = row?.getBoundingClientRect();
    return {
      cols: terminal?.cols ?? 0,
      rows: terminal?.rows ?? 0,
      fontSize: terminal?.options.fontSize ?? 0,
      body: { top: body?.top ?? 0, bottom: body?.bottom ?? 0, height: body?.height ?? 0 },
      cursorRow: { top: cursor?.top ?? 0, bottom: cursor?.bottom ?? 0 },
    };
  }, PANE);
}

/** Where the notice is drawn, in page pixels. */
async function noticeBox(): Promise<{ readonly top: number; readonly bottom: number }> {
  const box = await page.locator(NOTICE).boundingBox();
  if (!box) throw new Error('the notice is not drawn');
  return { top: box.y, bottom: box.y + box.height };
}

/** The grid and the font, which a resize would change (the pane fits its font to the grid). */
function gridOf(layout: TerminalLayout): Pick<TerminalLayout, 'cols' | 'rows' | 'fontSize' | 'body'> {
  return { cols: layout.cols, rows: layout.rows, fontSize: layout.fontSize, body: layout.body };
}

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
    const before = await terminalLayout();
    expect(before.cols).toBeGreaterThan(30);
    await runCommand(page, 'qemu-img create');
    await page.locator(NOTICE).waitFor({ state: 'visible' });
    expect(await page.textContent(`${NOTICE} .lab-pane-notice-text`)).toBe(
      'Commande non tapée : la VM tourne dans ce terminal : Ctrl-A X pour quitter qemu.',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await paneText(page)).toMatch(/guest-42\s+root@tiny:\/# \s*$/);
    // Over the terminal, not above it: same grid, same font, same area; the line typed at stays clear.
    const shown = await terminalLayout();
    expect(gridOf(shown)).toEqual(gridOf(before));
    const notice = await noticeBox();
    expect(notice.top).toBeCloseTo(shown.body.top, 0);
    expect(notice.bottom).toBeLessThan(shown.body.top + shown.body.height / 4);
    expect(shown.cursorRow.top).toBeGreaterThanOrEqual(notice.bottom);
    await screenshot(page, 'run-busy-notice');

    // « Envoyer quand même »: typed into the guest, whose shell has no qemu-img.
    await page.click(`${NOTICE} button:has-text("Envoyer quand même")`);
    await page.locator(NOTICE).waitFor({ state: 'hidden' });
    await waitForPane(page, /root@tiny:\/# qemu-img create -f qcow2 \/tmp\/img\.qcow2 6G\s+-?sh: qemu-img: not found/);
    expect(gridOf(await terminalLayout())).toEqual(gridOf(before));
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

  it('hides the notice with its folded pane, and closes it with ×', async () => {
    await runCommandId(page, 'boot');
    // A ▶ while the VM boots (qemu holds the terminal before the guest's prompt is there).
    const before = await terminalLayout();
    await runCommand(page, 'qemu-img create');
    await page.locator(NOTICE).waitFor({ state: 'visible' });
    expect(gridOf(await terminalLayout())).toEqual(gridOf(before));
    // A folded pane hides the notice with the terminal; unfolded, both are back.
    const fold = page.locator(`${PANE} .lab-pane-tools button[title="Replier le terminal"]`);
    await fold.click();
    await page.locator(NOTICE).waitFor({ state: 'hidden' });
    await fold.click();
    await page.locator(NOTICE).waitFor({ state: 'visible' });
    // Playwright clicks only what would get the click: the × is not under xterm.js's layers.
    await page.click(`${NOTICE} button[title="Fermer ce message"]`);
    await page.locator(NOTICE).waitFor({ state: 'hidden' });
    expect(gridOf(await terminalLayout())).toEqual(gridOf(before));
    await page.locator(`${PANE} .xterm`).click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('x');
    await waitForPane(page, /QEMU: Terminated\s+étudiant@qemu:~\$ \s*$/, 30_000);
  }, 120_000);
});
