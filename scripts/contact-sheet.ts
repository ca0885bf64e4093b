// Contact sheet of the course figures: npx tsx scripts/contact-sheet.ts [out.png] [--only=NAME.svg] [--width=900]
//
// Renders every img/*.svg as an <img> (data: URL, so no external reference can load) on the slide colour, four per
// row with the file name as caption, and saves a full-page PNG (default test-results/contact-sheet.png).
// With --only=NAME.svg, renders that single figure at --width pixels (default 900) instead, to look at it full size.
// Exits 1, naming the file, if an SVG does not render (naturalWidth 0), is over 50 KB or lacks a <title>.
import { readdirSync, readFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './lib/chromium.ts';
import { readCommandLine } from './lib/cli-args.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const imgDir = join(root, 'img');
const MAX_BYTES = 50 * 1024;

const { values, positionals } = readCommandLine({
  program: 'contact-sheet',
  usage: 'npx tsx scripts/contact-sheet.ts [SORTIE.png] [--only=NOM.svg] [--width=900]',
  options: { only: { type: 'string' }, width: { type: 'string' } },
  positionals: 1,
  expects: { only: 'le nom d’une figure de img/ (NOM.svg)', width: 'une largeur en pixels' },
});
const only = values.only;
const width = Number(values.width ?? 900);
if (!Number.isInteger(width) || width <= 0) {
  console.error(`contact-sheet : --width attend une largeur en pixels, pas « ${values.width ?? ''} »`);
  process.exit(2);
}
const out = resolve(
  positionals[0] ?? join(root, 'test-results', only ? `figure-${only.replace(/\.svg$/, '')}.png` : 'contact-sheet.png'),
);

const files = readdirSync(imgDir)
  .filter((f) => f.endsWith('.svg'))
  .filter((f) => !only || f === only)
  .sort();
if (files.length === 0) {
  console.error(only ? `contact-sheet: img/${only} not found` : 'contact-sheet: no SVG in img/');
  process.exit(1);
}

const errors: string[] = [];
const figures = files.map((name) => {
  const path = join(imgDir, name);
  const text = readFileSync(path, 'utf8');
  const bytes = statSync(path).size;
  if (bytes > MAX_BYTES) errors.push(`img/${name}: ${bytes} bytes, over the 50 KB limit`);
  if (!/<title[\s>]/.test(text)) errors.push(`img/${name}: no <title>`);
  return { name, bytes, src: `data:image/svg+xml;base64,${Buffer.from(text).toString('base64')}` };
});

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const cells = figures
  .map(
    (f) =>
      `<figure><div class="frame"><img src="${f.src}" alt=""></div>` +
      `<figcaption>${escape(f.name)} <span>${(f.bytes / 1024).toFixed(1)} KB</span></figcaption></figure>`,
  )
  .join('\n');
const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>
  body { margin: 0; padding: 24px; background: #FBFAF7; font: 16px 'DejaVu Sans', sans-serif; color: #1E2A33; }
  main { display: grid; grid-template-columns: repeat(${only ? 1 : 4}, ${only ? `${width}px` : '440px'}); gap: 28px 24px; }
  figure { margin: 0; }
  .frame { outline: 1px dashed #D6D2C8; }
  img { display: block; width: 100%; height: auto; }
  figcaption { margin-top: 6px; font-weight: bold; }
  figcaption span { font-weight: normal; color: #777; }
</style></head><body><main>
${cells}
</main></body></html>`;

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: only ? width + 48 : 1900, height: 800 } });
  await page.setContent(html, { waitUntil: 'load' });
  const sizes = await page.evaluate(async () => {
    const imgs = [...document.querySelectorAll('img')];
    await Promise.all(imgs.map((img) => img.decode().catch(() => undefined)));
    return imgs.map((img) => img.naturalWidth);
  });
  sizes.forEach((w, i) => {
    if (!w) errors.push(`img/${figures[i]!.name}: does not render (naturalWidth 0)`);
  });
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`contact-sheet: ${figures.length} figure(s) → ${out}`);
} finally {
  await browser.close();
}

if (errors.length > 0) {
  for (const e of errors) console.error(`contact-sheet: ${e}`);
  process.exit(1);
}
