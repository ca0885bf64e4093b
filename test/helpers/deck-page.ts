/**
 * What the e2e tests do on a deck page: open it, go to a demo slide, read its terminal pane, click a
 * command's run control. One place, so the e2e files and the bench agree on what "the pane shows" means.
 */
import type { Page } from 'playwright-core';

/** The lab pane of the slide on screen. */
export const PANE = '.remark-visible .lab-pane';

/** Opens the deck at `url` and waits until remark has rendered every slide. */
export async function openDeck(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => document.querySelectorAll('.remark-slide-container').length > 100);
}

/** The remark index (0-based, steps counted) of the first demo slide whose code shows `text`. */
export async function demoSlideIndex(page: Page, text: string): Promise<number> {
  const index = await page.evaluate((wanted) => {
    const contents = [
      ...document.querySelectorAll('.remark-slides-area > .remark-slide-container .remark-slide-content'),
    ];
    return contents.findIndex((c) => c.classList.contains('lab-slide') && (c.textContent ?? '').includes(wanted));
  }, text);
  // Thrown, not expect(): the bench drives the deck with these helpers too, outside vitest.
  if (index < 0) throw new Error(`no demo slide shows ${text}`);
  return index;
}

/** Goes to that demo slide (remark's hash counts from 1) and waits for its pane. */
export async function gotoDemoSlide(page: Page, text: string): Promise<void> {
  const index = await demoSlideIndex(page, text);
  await page.evaluate((n) => (location.hash = `#${n + 1}`), index);
  await page.waitForSelector(PANE);
}

/** Goes to the demo slide showing `text`; without a lab server its pane replays. */
export async function gotoReplaySlide(page: Page, text: string): Promise<void> {
  await gotoDemoSlide(page, text);
  await page.waitForSelector(`${PANE}[data-state="replay"]`);
}

export function paneText(page: Page): Promise<string> {
  return page.evaluate((pane) => document.querySelector<HTMLElement>(`${pane} .xterm-rows`)?.innerText ?? '', PANE);
}

/** Waits until the pane's text matches; on timeout, fails with what the pane shows. */
export async function waitForPane(page: Page, pattern: RegExp, timeout = 30_000): Promise<void> {
  try {
    await page.waitForFunction(
      ([pane, source, flags]) =>
        new RegExp(source ?? '', flags).test(
          document.querySelector<HTMLElement>(`${pane} .xterm-rows`)?.innerText ?? '',
        ),
      [PANE, pattern.source, pattern.flags],
      { timeout, polling: 100 },
    );
  } catch (error) {
    throw new Error(`pane never showed ${pattern}; it shows:\n${await paneText(page)}`, { cause: error });
  }
}

/** Clicks the run control of the visible slide's command `id` (lab.json's), wherever its lines break. */
export async function runCommandId(page: Page, id: string): Promise<void> {
  await page.locator(`.remark-visible .run-command[data-command-id="${id}"]`).first().click();
}

/** Clicks the run control of the visible slide's command line that starts with `command`. */
export async function runCommand(page: Page, command: string): Promise<void> {
  await page
    .locator('.remark-visible .remark-code-line.runnable', { hasText: command })
    .first()
    .locator('.run-command')
    .click();
}
