/**
 * Where the pane's time goes during a `cat`: the page's JavaScript profile (CDP Profiler) and its frames,
 * while the real pane in Chromium shows 50 MB, as in the bench's `browser` case. Prints the functions
 * with the most self time, grouped by script, and the frames drawn per second. A tool for the bench
 * README's figures, not part of `npm run bench`.
 *
 *   npx tsx bench/pane-profile.ts [--megabytes 50] [--top 25]
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../scripts/lib/chromium.ts';
import { PANE } from '../test/helpers/deck-page.ts';
import { benchAsQemu, buildDeck, openPresenterPane } from './browser-deck.ts';
import { compileServer, dataFile, spawnLabServer } from './server-process.ts';
import { fixed, mbPerSecond } from './stats.ts';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { readonly name?: string };
}

const ROOT = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { megabytes: { type: 'string' }, top: { type: 'string' } } });
const MEGABYTES = Number(values.megabytes ?? 50);
const TOP = Number(values.top ?? 25);

/** Self time per function (name, script, line), in ms, most first. */
function selfTimes(profile: Profile): { readonly name: string; readonly ms: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const script = frame.url.split('/').pop() ?? '';
    const name = `${frame.functionName || '(anonyme)'} ${script}:${frame.lineNumber + 1}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

/**
 * Self time of the trace's complete events on the renderer's main thread (CrRendererMain), by name: a
 * child's time is taken from its parent's, so that Layout inside a FunctionCall counts once.
 */
function traceSelfTimes(events: readonly TraceEvent[]): { readonly name: string; readonly ms: number }[] {
  const main = events.find((event) => event.ph === 'M' && event.args?.name === 'CrRendererMain');
  if (!main) return [];
  const spans = events
    .filter((event) => event.pid === main.pid && event.tid === main.tid && event.ph === 'X' && event.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const totals = new Map<string, number>();
  const open: { readonly end: number; readonly name: string }[] = [];
  for (const span of spans) {
    const dur = span.dur ?? 0;
    while (open.length > 0 && (open.at(-1)?.end ?? 0) <= span.ts) open.pop();
    const parent = open.at(-1);
    if (parent) totals.set(parent.name, (totals.get(parent.name) ?? 0) - dur / 1000);
    totals.set(span.name, (totals.get(span.name) ?? 0) + dur / 1000);
    open.push({ end: span.ts + dur, name: span.name });
  }
  return [...totals].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

async function main(): Promise<void> {
  const work = join(ROOT, '.state', 'bench');
  mkdirSync(work, { recursive: true });
  const scratch = mkdtempSync(join(work, 'profile-'));
  // The sandboxed shell (another user when the bench runs as root) reads the labs and the data file here.
  chmodSync(scratch, 0o755);
  const server = await (async () => {
    const deck = join(scratch, 'deck');
    buildDeck(deck);
    const entry = compileServer(ROOT, join(scratch, 'server-js'));
    const labs = benchAsQemu(join(scratch, 'labs'));
    const args = ['--labs', labs, '--state', join(scratch, 'state'), '--dist', deck, '--grace', '1', '--audience'];
    return spawnLabServer(ROOT, args, [], false, entry);
  })();
  const data = dataFile(scratch, MEGABYTES);
  const browser = await launchChromium();
  try {
    const { context, page } = await openPresenterPane(browser, server.target.origin, server.target.presenterCookie);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await page.locator(`${PANE} .xterm`).click();
    await page.keyboard.type(`cat ${data.file}; echo FIN-$((6 * 7))`);
    await page.evaluate(
      `void (window.__frames = 0, (function count() { window.__frames++; requestAnimationFrame(count); })())`,
    );
    await cdp.send('Profiler.start');
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', ({ value }) => events.push(...(value as unknown as TraceEvent[])));
    const traced = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline', transferMode: 'ReportEvents' });
    const start = performance.now();
    await page.keyboard.press('Enter');
    // Checked rarely: reading the rows' text forces a layout, which the measured pane would pay for.
    await page.waitForFunction(
      (pane) => (document.querySelector<HTMLElement>(`${pane} .xterm-rows`)?.innerText ?? '').includes('FIN-42'),
      PANE,
      { polling: 250, timeout: 300_000 },
    );
    const ms = performance.now() - start;
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    const frames = (await page.evaluate('window.__frames')) as number;
    await cdp.send('Tracing.end');
    await traced;
    const total = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0) / 1000;
    process.stdout.write(
      `${MEGABYTES} MB in ${fixed(ms, 0)} ms (${fixed(mbPerSecond(data.expected, ms))} MB/s), ` +
        `${frames} frames (${fixed((frames * 1000) / ms, 0)}/s), profile ${fixed(total, 0)} ms\n`,
    );
    for (const { name, ms: self } of selfTimes(profile).slice(0, TOP)) {
      process.stdout.write(`${fixed(self, 0).padStart(7)} ms ${fixed((100 * self) / total).padStart(5)} %  ${name}\n`);
    }
    process.stdout.write("\nthe page's main thread, by trace event (self time):\n");
    for (const { name, ms: self } of traceSelfTimes(events).slice(0, TOP)) {
      process.stdout.write(`${fixed(self, 0).padStart(7)} ms  ${name}\n`);
    }
  } finally {
    await browser.close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
