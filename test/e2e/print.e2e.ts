/**
 * Printing the course (the browser's print, `npm run pdf`): each slide fills its page, and the transcript a
 * demo slide prints instead of its terminal keeps every row on one line, at a legible size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchPage, type PageProblems } from '../helpers/browser.ts';
import { openDeck } from '../helpers/deck-page.ts';
import { serveStatic, type StaticServer } from '../../scripts/lib/static-server.ts';
import { MONO_ADVANCE, PRINT_FONT_MIN_PX } from '../../src/client/pane/print-layout.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dist = process.env['DECK_DIST'] || join(ROOT, 'dist');
/** remark's slide, which the printed page must be. */
const SLIDE = { width: 1210, height: 681 };

let files: StaticServer;
let browser: Browser;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  files = await serveStatic(dist);
  browser = await launchChromium();
  // A page as big as the printed page: that is the width print lays the deck out in.
  page = await browser.newPage({ viewport: SLIDE });
  problems = watchPage(page, new URL(files.url).origin);
  await openDeck(page, files.url);
  await page.evaluate(() => document.fonts.ready);
  await page.emulateMedia({ media: 'print' });
  // Print listeners (remark rescaling its slides, the transcripts fitting beside their text) run on the next frames.
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
});

afterAll(async () => {
  await browser?.close();
  await files?.close();
});

describe('print', () => {
  it('asks for pages the size of a slide, and each slide fills its page', async () => {
    const printed = await page.evaluate(() => {
      // The @page rule that wins: the last one in the cascade (remark's comes first and asks for 908 x 681).
      const sizes = [...document.styleSheets].flatMap((sheet) =>
        [...sheet.cssRules]
          .filter((rule): rule is CSSPageRule => rule instanceof CSSPageRule)
          .map((rule) => rule.style.getPropertyValue('size')),
      );
      const slides = [...document.querySelectorAll('.remark-slides-area > .remark-slide-container')].map(
        (container, index) => {
          const box = container.getBoundingClientRect();
          const slide = container.querySelector('.remark-slide-scaler')?.getBoundingClientRect();
          return {
            index,
            box: [box.width, box.height],
            slide: slide && [slide.left - box.left, slide.top - box.top, slide.width, slide.height],
          };
        },
      );
      return {
        size: sizes.filter(Boolean).at(-1),
        slides,
        scaled: document.querySelector<HTMLElement>('.remark-slide-scaler')?.style.transform,
      };
    });
    expect(printed.size).toBe(`${SLIDE.width}px ${SLIDE.height}px`);
    // remark did rescale its slides for print (to its 4:3 page); the slide still fills the page.
    expect(printed.scaled).toMatch(/scale\(0\.75/);
    expect(printed.slides.length).toBeGreaterThan(100);
    for (const { index, box, slide } of printed.slides) {
      expect({ index, box }).toEqual({ index, box: [SLIDE.width, SLIDE.height] });
      expect({ index, slide: slide?.map(Math.round) }).toEqual({ index, slide: [0, 0, SLIDE.width, SLIDE.height] });
    }
    expect(problems.list).toEqual([]);
  });

  it('prints every transcript line on one row, whole, at 7 pt or more, beside the whole text of its slide', async () => {
    const views = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.remark-slides-area .lab-print')].map((view) => {
        const pre = view.querySelector('pre');
        const style = pre ? getComputedStyle(pre) : undefined;
        const text = view.closest('.remark-slide-content')?.querySelector(':scope > .lab-text');
        const box = view.getBoundingClientRect();
        const right = box.right - parseFloat(style?.paddingRight ?? '0');
        // Each line of text as drawn, however the view is built: the boxes of its characters, from a Range.
        const lines: { text: string; rows: number; width: number; cut: boolean; bottom: number }[] = [];
        const walker = document.createTreeWalker(pre ?? view, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const value = node.nodeValue ?? '';
          let start = 0;
          for (const part of value.split('\n')) {
            if (part.trim() !== '') {
              const range = document.createRange();
              range.setStart(node, start);
              range.setEnd(node, start + part.length);
              const rects = [...range.getClientRects()].filter((r) => r.width > 0);
              const all = range.getBoundingClientRect();
              lines.push({
                text: part,
                rows: new Set(rects.map((r) => Math.round(r.top))).size,
                width: all.width,
                cut: all.right > right + 0.5,
                bottom: all.bottom - box.top,
              });
            }
            start += part.length + 1;
          }
        }
        return {
          slide: view.closest('.remark-slide-container')?.querySelector('.remark-slide-number')?.textContent ?? '?',
          font: parseFloat(style?.fontSize ?? '0'),
          height: box.height,
          textFits: text ? text.scrollHeight <= text.clientHeight + 1 : false,
          lines,
        };
      }),
    );
    expect(views.length).toBeGreaterThan(30);
    let smallest = Infinity;
    for (const view of views) {
      smallest = Math.min(smallest, view.font);
      expect({ slide: view.slide, font: view.font >= PRINT_FONT_MIN_PX, textFits: view.textFits }).toEqual({
        slide: view.slide,
        font: true,
        textFits: true,
      });
      for (const line of view.lines) {
        // Drawn on one row, not cut at the column's right edge, not below its bottom.
        const shown = {
          slide: view.slide,
          line: line.text,
          rows: line.rows,
          cut: line.cut,
          onPage: line.bottom <= view.height,
        };
        expect(shown).toEqual({ ...shown, rows: 1, cut: false, onPage: true });
      }
    }
    // 9.5 px of a 1210 px page: about 7.1 pt.
    expect(smallest).toBeGreaterThanOrEqual(PRINT_FONT_MIN_PX);
    // Fira Mono's characters are MONO_ADVANCE em wide, which the font fitting counts on.
    const line = views
      .flatMap((view) => view.lines.map((l) => ({ ...l, font: view.font })))
      .find((l) => l.text.length > 40);
    expect(line && line.width / (line.text.length * line.font)).toBeCloseTo(MONO_ADVANCE, 2);
  });

  it('makes the PDF with `npm run pdf`: one 16:9 page per slide, the slide edge to edge', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deck-pdf-'));
    try {
      const pdf = join(dir, 'cours.pdf');
      execFileSync('npx', ['tsx', join(ROOT, 'scripts/pdf.ts'), pdf, '--dist', dist], {
        cwd: ROOT,
        stdio: 'pipe',
        timeout: 120_000,
      });
      const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
      const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
      const [width, height] = (/^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info) ?? []).slice(1).map(Number);
      expect(pages).toBeGreaterThan(100);
      expect((width ?? 0) / (height ?? 1)).toBeCloseTo(SLIDE.width / SLIDE.height, 2);
      // Every page drawn small: its edges are the slide's paper all around, not a frame around a smaller slide.
      execFileSync('pdftoppm', ['-r', '8', '-gray', pdf, join(dir, 'page')]);
      for (let n = 1; n <= pages; n++) {
        const name = `page-${String(n).padStart(String(pages).length, '0')}.pgm`;
        expect({ page: n, darkEdge: darkEdgePixels(readFileSync(join(dir, name))) }).toEqual({ page: n, darkEdge: 0 });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * How many pixels of a binary PGM's edge, one pixel in (anti-aliasing), are dark: the paper is light
 * (#fbfaf7), the deck's background around a shrunken slide is dark. The slide number's corner is left out.
 */
function darkEdgePixels(pgm: Buffer): number {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a binary PGM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(header[0].length);
  const edge: [number, number][] = [];
  for (let x = 1; x < width - 1; x++) edge.push([x, 1], [x, height - 2]);
  for (let y = 1; y < height - 1; y++) edge.push([1, y], [width - 2, y]);
  const numberCorner = ([x, y]: [number, number]): boolean => x > width * 0.85 && y > height * 0.85;
  return edge.filter((p) => !numberCorner(p) && (pixels[p[1] * width + p[0]] ?? 0) < 128).length;
}
