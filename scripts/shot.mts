// Screenshots of chosen slides of a built deck: npx tsx scripts/shot.mts DIST N [N...] (writes /tmp/shot-N.png).
import { watchPage } from '../test/helpers/browser.ts';
import { launchChromium } from './lib/chromium.ts';
import { serveStatic } from './lib/static-server.ts';
const [dir, ...slides] = process.argv.slice(2);
const server = await serveStatic(dir!);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
const problems = watchPage(page, server.url.replace(/\/$/, ''));
for (const n of slides) {
  await page.goto(`${server.url}#${n}`);
  await page.waitForSelector('.remark-visible .remark-slide-content');
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(200);
  await page.screenshot({ path: `/tmp/shot-${n}.png` });
}
console.log(problems.list);
await browser.close();
await server.close();
