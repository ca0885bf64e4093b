/**
 * `npm run pdf [-- FILE] [--dist DIR]`: the course as a PDF (default cours-openstack.pdf), one slide per page,
 * printed by headless Chromium from the built deck (default dist/) served on 127.0.0.1. Demo slides print
 * their commands with the output of their recordings, incremental slides print at their last step.
 */
import { resolve } from 'node:path';
import { launchChromium } from './lib/chromium.ts';
import { readCommandLine } from './lib/cli-args.ts';
import { serveStatic } from './lib/static-server.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** remark's slide size (theme.css), which print.css also declares as the page: one slide fills one page. */
const PAGE = { width: '1210px', height: '681px' };

/** The output file and the built deck, from argv: a build elsewhere than dist/ can be printed too. */
function readArgs(): { output: string; dist: string } {
  const { values, positionals } = readCommandLine({
    program: 'pdf',
    usage: 'npm run pdf -- [FICHIER.pdf] [--dist DOSSIER]',
    options: { dist: { type: 'string' } },
    positionals: 1,
    expects: { dist: 'un dossier, celui où `vite build --outDir DOSSIER` a construit le diaporama' },
  });
  return {
    output: resolve(positionals[0] ?? 'cours-openstack.pdf'),
    dist: resolve(values.dist ?? resolve(ROOT, 'dist')),
  };
}

async function main(): Promise<void> {
  const { output, dist } = readArgs();
  const files = await serveStatic(dist);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1210, height: 681 } });
    await page.goto(files.url);
    await page.waitForFunction(() => document.querySelectorAll('.remark-slide-container').length > 0);
    await page.evaluate(() => document.fonts.ready);
    await page.emulateMedia({ media: 'print' });
    // Print listeners (remark's, and print-view.ts fitting each transcript beside its text) run on the
    // next frames, not at once: the PDF is taken after they have.
    await page.evaluate(
      () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
    );
    await page.pdf({
      path: output,
      ...PAGE,
      printBackground: true,
      preferCSSPageSize: true,
      margin: { top: '0', right: '0', bottom: '0', left: '0' },
    });
    const slides = await page.evaluate(
      () => document.querySelectorAll('.remark-slides-area > .remark-slide-container').length,
    );
    console.log(`pdf : ${output} (${slides} pages)`);
  } finally {
    await browser.close();
    await files.close();
  }
}

await main();
