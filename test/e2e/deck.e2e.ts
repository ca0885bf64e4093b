/**
 * A person's walk through the built deck in headless Chromium: every slide, every step, with no console
 * error, no failed or external request, no broken image, nothing overflowing the slide; then remark's
 * modes (presenter, clone, help), the agenda links and the highlighted code.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, watchPage, type PageProblems } from '../helpers/browser.ts';
import { serveStatic, type StaticServer } from '../../scripts/lib/static-server.ts';

const dist = process.env['DECK_DIST'] || join(import.meta.dirname, '..', '..', 'dist');
const SCREENSHOTS: Record<number, string> = { 1: 'titre', 4: 'agenda', 20: 'virtualisation', 38: 'qemu-img' };

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  server = await serveStatic(dist);
  browser = await launchChromium();
});

/** A fresh page on the deck, as a person opening the link, watched for problems. */
async function openDeck(hash = ''): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems = watchPage(page, server.url.replace(/\/$/, ''));
  await page.goto(`${server.url}${hash}`);
  await page.waitForSelector('.remark-visible .remark-slide-content');
  await page.evaluate(() => document.fonts.ready);
  return { page, problems };
}

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface SlideState {
  hash: string;
  text: string;
  brokenImages: string[];
  overflow: number;
}

function currentSlide(p: Page): Promise<SlideState> {
  return p.evaluate(() => {
    const content = document.querySelector<HTMLElement>('.remark-visible .remark-slide-content');
    if (!content) throw new Error('no visible slide');
    const images = [...content.querySelectorAll('img')];
    return {
      hash: location.hash,
      text: content.innerText.slice(0, 60),
      brokenImages: images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src),
      // remark's slide is a fixed-size box (1210 x 681 before scaling): content taller than the box, or
      // overflowing it, is cut off on the projector.
      // A demo slide's text column hides its overflow (the terminal takes the rest): measured too.
      overflow: Math.max(
        content.scrollHeight - content.clientHeight,
        ...[...content.querySelectorAll<HTMLElement>('.lab-text')].map((text) => text.scrollHeight - text.clientHeight),
        content.offsetHeight - (content.closest<HTMLElement>('.remark-slide-scaler')?.offsetHeight ?? 0),
      ),
    };
  });
}

describe('the built deck', () => {
  it('walks every slide and step without errors, broken images or overflow', async () => {
    const { page, problems } = await openDeck();
    const total = await page.locator('.remark-slides-area .remark-slide-container').count();
    expect(total).toBeGreaterThan(170);
    const broken: string[] = [];
    const overflowing: string[] = [];
    for (let n = 1; n <= total; n++) {
      const slide = await currentSlide(page);
      expect(slide.hash).toBe(`#${n}`);
      // Images load lazily in a hidden slide; give the visible one a moment before judging it.
      if (slide.brokenImages.length > 0) {
        await page.waitForFunction(() =>
          [...document.querySelectorAll<HTMLImageElement>('.remark-visible img')].every((i) => i.complete),
        );
        broken.push(...(await currentSlide(page)).brokenImages.map((src) => `#${n}: ${src}`));
      }
      if (slide.overflow > 2) overflowing.push(`#${n} (${slide.overflow}px): ${slide.text}`);
      const name = SCREENSHOTS[n];
      if (name) await screenshot(page, `${String(n).padStart(3, '0')}-${name}`);
      if (n < total) await page.keyboard.press('ArrowRight');
    }
    expect(broken).toEqual([]);
    expect(overflowing).toEqual([]);
    expect(problems.list).toEqual([]);
    await page.close();
  });

  it('uses the bundled fonts', async () => {
    const { page } = await openDeck('#3');
    // document.fonts.load resolves with the faces it loaded: empty if the family is not in the bundle.
    const loaded = await page.evaluate(async () =>
      (await Promise.all([document.fonts.load('24px "Fira Sans"'), document.fonts.load('17px "Fira Mono"')])).map(
        (faces) => faces.map((f) => f.family.replace(/"/g, '')),
      ),
    );
    expect(loaded).toEqual([['Fira Sans'], ['Fira Mono']]);
    await page.close();
  });

  it('follows the agenda links to their chapters', async () => {
    const { page, problems } = await openDeck('#agenda');
    await page.waitForSelector('.remark-visible a[href="#keystone"]');
    await page.click('.remark-visible a[href="#keystone"]');
    await page.waitForFunction(() => document.querySelector('.remark-visible')?.textContent?.includes('Keystone'));
    const { text } = await currentSlide(page);
    expect(text).toMatch(/Keystone/);
    expect(problems.list).toEqual([]);
    await page.close();
  });

  it('highlights code with highlight.js and marks the * lines', async () => {
    const { page } = await openDeck();
    const stats = await page.evaluate(() => ({
      blocks: document.querySelectorAll('code.remark-code.hljs').length,
      tokens: document.querySelectorAll('code.remark-code .hljs-meta, code.remark-code .hljs-built_in').length,
      marked: document.querySelectorAll('.remark-code-line-highlighted').length,
    }));
    expect(stats.blocks).toBeGreaterThan(50);
    expect(stats.tokens).toBeGreaterThan(50);
    expect(stats.marked).toBeGreaterThan(60);
    await page.close();
  });

  it('opens presenter mode with notes and timer, and help, from the keyboard', async () => {
    const { page, problems } = await openDeck('#1');
    await page.keyboard.press('p');
    await page.waitForSelector('.remark-container.remark-presenter-mode');
    const presenter = await page.evaluate(() => ({
      notes: document.querySelector('.remark-visible .remark-slide-notes')?.textContent ?? '',
      timer: document.querySelector('.remark-toolbar-timer')?.textContent ?? '',
    }));
    expect(presenter.notes.length).toBeGreaterThan(10);
    expect(presenter.timer).toMatch(/\d+:\d\d/);
    await screenshot(page, 'presenter-mode');
    await page.keyboard.press('p');
    await page.keyboard.press('?');
    await page.waitForSelector('.remark-container.remark-help-mode');
    expect(await page.locator('.remark-help-content').innerText()).toContain('Rendre le clavier au diaporama');
    await screenshot(page, 'help');
    await page.keyboard.press('Escape');
    expect(problems.list).toEqual([]);
    await page.close();
  });

  it('opens a cloned window that follows the presenter', async () => {
    const { page, problems } = await openDeck('#2');
    const [clone] = await Promise.all([page.waitForEvent('popup'), page.keyboard.press('c')]);
    const cloneProblems = watchPage(clone, server.url.replace(/\/$/, ''));
    await clone.waitForSelector('.remark-visible .remark-slide-content');
    await page.keyboard.press('ArrowRight');
    await clone.waitForFunction(() => location.hash === '#3');
    expect(cloneProblems.list).toEqual([]);
    expect(problems.list).toEqual([]);
    await clone.close();
    await page.close();
  });
});
