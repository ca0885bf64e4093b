/**
 * The tiny guest's console in the qemu lab's pane, live (the built deck, the real server in its own
 * process with the project's labs): the guest learns the pane's size at its prompt, a long command shows
 * whole, and each query the guest sends gets exactly one answer (the server's, not also the pane's).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../helpers/browser.ts';
import { liveDeck, type LiveDeck } from '../helpers/deck-browser.ts';
import { gotoDemoSlide, PANE, runCommand, runCommandId, waitForPane } from '../helpers/deck-page.ts';

let deck: LiveDeck;
let page: Page;

/** The pane terminal's size, as xterm.js has it. */
function paneSize(): Promise<{ cols: number; rows: number }> {
  return page.evaluate((pane) => {
    const terminal = (
      document.querySelector(pane) as (HTMLElement & { labTerminal?: { cols: number; rows: number } }) | null
    )?.labTerminal;
    return { cols: terminal?.cols ?? 0, rows: terminal?.rows ?? 0 };
  }, PANE);
}

/**
 * Types a command line once the guest's prompt ends the pane. Keys typed earlier, while the last command
 * still runs, are echoed by the tty where the cursor is and the prompt comes after them, as on any terminal.
 */
async function typeInPane(text: string): Promise<void> {
  await waitForPane(page, /root@tiny:\/#\s*$/);
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  deck = await liveDeck({ width: 1280, height: 800 });
  ({ page } = deck);
});

afterAll(() => deck?.close());

describe('the guest console in the qemu pane', () => {
  it('boots and tells the guest the pane size', async () => {
    await gotoDemoSlide(page, 'qemu-img create -f qcow2 /tmp/img.qcow2 6G');
    await page.waitForSelector(`${PANE}[data-state="live"]`);
    await runCommand(page, 'qemu-img create');
    // Back at the prompt before the next ▶ (the server refuses a run while a command holds the terminal).
    await waitForPane(page, /Formatting '\/tmp\/img\.qcow2'[\s\S]*étudiant@qemu:~\$\s*$/);
    await runCommandId(page, 'boot');
    await waitForPane(page, /root@tiny:\/# /, 120_000);
    const { cols, rows } = await paneSize();
    expect(cols).toBeGreaterThan(30);
    await page.click(`${PANE} .xterm`);
    await typeInPane('stty size');
    await waitForPane(page, new RegExp(`^${rows} ${cols}$`, 'm'));
  });

  it('gets one answer per query: the pane itself answers none', async () => {
    // Non-canonical without echo, as a program reading the answer sets its terminal: the answer has no newline.
    await typeInPane(
      `s=$(stty -g); stty -icanon -echo; printf '\\e[6n'; read -t 2 -d R a; read -t 2 -d R b; stty $s; echo "one<\${a#*[}> two<\${b#*[}>"`,
    );
    await waitForPane(page, /^one<\d+;\d+> two<>$/m, 15_000);
  });

  it('shows a command longer than 80 columns whole', async () => {
    const long = `echo debut-${'abcdefghij'.repeat(8)}-fin`;
    await typeInPane(long);
    await waitForPane(page, /^debut-(abcdefghij){8}-fin$/m);
    const rows = (
      await page.evaluate((pane) => document.querySelector<HTMLElement>(`${pane} .xterm-rows`)?.innerText ?? '', PANE)
    )
      .replace(/\u00a0/g, ' ')
      .split('\n');
    const at = rows.findIndex((row) => row.startsWith('root@tiny:/# echo debut-'));
    // The guest's line editor breaks the line where the pane ends, not at 80 columns.
    expect(rows[at]?.trimEnd()).toHaveLength((await paneSize()).cols);
    expect(`${rows[at]?.trimEnd() ?? ''}${rows[at + 1]?.trimEnd() ?? ''}`).toBe(`root@tiny:/# ${long}`);
    await screenshot(page, 'guest-console-size');
  });
});
