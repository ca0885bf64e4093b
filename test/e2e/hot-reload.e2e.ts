/**
 * Editing a slide file while `npm run dev` runs: the open deck shows the change without a page reload and
 * stays on its slide.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remarkScriptPlugin } from '../../src/deck/remark-script.ts';
import { deckPlugin } from '../../src/deck/vite-plugin.ts';
import { launchChromium, watchPage } from '../helpers/browser.ts';

const projectRoot = join(import.meta.dirname, '..', '..');
const fixtureRoot = mkdtempSync(join(tmpdir(), 'deck-hmr-'));
const slide = (text: string): string => `name: deux\n## Deuxième\n\n${text}`;

let server: ViteDevServer;
let browser: Browser;

beforeAll(async () => {
  const slides = join(fixtureRoot, 'slides');
  mkdirSync(slides);
  writeFileSync(
    join(slides, 'deck.json'),
    JSON.stringify({ title: 'HMR', courseSlides: 3, chapters: ['a.md', 'b.md'] }),
  );
  writeFileSync(join(slides, 'a.md'), '# Un\n\nPremière');
  writeFileSync(join(slides, 'b.md'), `${slide('Texte initial')}\n---\n# Trois`);
  server = await createServer({
    configFile: false,
    root: projectRoot,
    logLevel: 'silent',
    plugins: [remarkScriptPlugin(), deckPlugin({ root: fixtureRoot })],
    server: { host: '127.0.0.1', port: 0, strictPort: false, watch: { usePolling: true, interval: 50 } },
  });
  await server.listen();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(fixtureRoot, { recursive: true, force: true });
});

describe('hot reload of slides', () => {
  it('updates the changed slide in place and keeps the presenter on it', async () => {
    const url = server.resolvedUrls?.local[0] ?? '';
    const page = await browser.newPage();
    const problems = watchPage(page, url.replace(/\/$/, ''));
    await page.goto(`${url}#2`);
    await page.waitForSelector('.remark-visible .remark-slide-content');
    expect(await page.textContent('.remark-visible .remark-slide-content')).toContain('Texte initial');
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));

    writeFileSync(join(fixtureRoot, 'slides', 'b.md'), `${slide('Texte modifié')}\n---\n# Trois`);
    await page.waitForFunction(() =>
      document.querySelector('.remark-visible .remark-slide-content')?.textContent?.includes('Texte modifié'),
    );
    expect(await page.evaluate(() => location.hash)).toBe('#2');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(problems.list).toEqual([]);
    await page.close();
  });
});
