/**
 * `npm run pdf [-- FILE]`: the course as a PDF (default cours-openstack.pdf), one slide per page, printed by
 * headless Chromium from the built deck served on 127.0.0.1. Demo slides print their commands with the
 * output of their recordings, incremental slides print at their last step.
 */
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { serveStatic } from './lib/static-server.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** remark's slide size (theme.css): one slide fills one page. */
const PAGE = { width: '1210px', height: '681px' };

async function main(): Promise<void> {
  const output = resolve(process.argv[2] ?? 'cours-openstack.pdf');
  const files = await serveStatic(resolve(ROOT, 'dist'));
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1210, height: 681 } });
    await page.goto(files.url);
    await page.waitForFunction(() => document.querySelectorAll('.remark-slide-container').length > 0);
    await page.evaluate(() => document.fonts.ready);
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: output, ...PAGE, printBackground: true, margin: { top: '0', right: '0', bottom: '0', left: '0' } });
    const slides = await page.evaluate(() => document.querySelectorAll('.remark-slide-container').length);
    console.log(`pdf : ${output} (${slides} pages)`);
  } finally {
    await browser.close();
    await files.close();
  }
}

await main();
