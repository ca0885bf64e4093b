/** The real course in slides/: complete, consistent, and the same slides as the 2016 original. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeck } from '../../src/deck/check.ts';
import { loadDeck } from '../../src/deck/load.ts';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const RemarkParser = require('remark-slide/src/remark/parser.js') as new () => {
  parse(source: string, macros: unknown): { properties: Record<string, string> }[];
};
const macros: unknown = require('remark-slide/src/remark/macros.js');
const remarkSlideCount = (source: string): number =>
  new RemarkParser().parse(source, macros).filter((s) => s.properties['continued'] !== 'true').length;

// The original sits beside the project in shared/ (CI clones it there too); the manifest records its count.
const originalPath = join(root, '..', 'shared', 'course', 'cours-openstack-2016.md');
const original = existsSync(originalPath) ? readFileSync(originalPath, 'utf8') : undefined;

describe('the course slides', () => {
  const { manifest, deck } = loadDeck(join(root, 'slides'));

  it('have no broken template, name, link or file reference (figures not drawn yet become placeholders)', () => {
    const problems = checkDeck(deck, (path) => existsSync(join(root, path))).filter((p) => !p.missingFigure);
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
  });

  // Slides of our own (`added:` says why: a demo the course only mentions, a slide split so that its
  // terminal fits beside it, a chapter the 2016 agenda announced but never wrote) are counted apart.
  const added = deck.slides.filter((s) => s.properties['added'] !== undefined);

  it('keep every slide of the course, as remark counts them', () => {
    expect(deck.slides.length - added.length).toBe(manifest.courseSlides);
    expect(remarkSlideCount(deck.source) - added.length).toBe(manifest.courseSlides);
    for (const slide of added) expect(slide.properties['added']).toMatch(/^(demo|split|exercise|chapter)$/);
  });

  it.runIf(original !== undefined)('match the 2016 original slide for slide', () => {
    const source = original ?? '';
    expect(remarkSlideCount(source)).toBe(manifest.courseSlides);
    const lines = (text: string, pattern: RegExp) => text.split('\n').filter((l) => pattern.test(l)).length;
    // Every highlighted line of 2016 is still there, or, for a command today's tools no longer run as
    // written, shown as the course's form beside today's (the demo slides' « # cours 2016 : » lines), or
    // with a prompt saying where it runs (`*cirros@vm1$ curl …`: in the VM, not in the lab's shell).
    const kept = new Set(
      deck.source.split('\n').flatMap((l) => {
        if (/^# cours 2016 : /.test(l)) return [`*$ ${l.replace(/^# cours 2016 : /, '')}`];
        if (/^\*[\w.-]+@[\w.-]+\$ /.test(l)) return [l, l.replace(/^\*[\w.-]+@[\w.-]+\$ /, '*$ ')];
        return l.startsWith('*') ? [l] : [];
      }),
    );
    const lost = source.split('\n').filter((l) => l.startsWith('*$') && !kept.has(l));
    expect(lost).toEqual([]);
    expect(lines(deck.source, /^\*(?!\$)/)).toBeGreaterThanOrEqual(lines(source, /^\*(?!\$)/));
    expect(lines(deck.source, /^--$/)).toBe(lines(source, /^--$/));
    // The 2016 figures, redrawn: the new chapters' own figures are not among them.
    const courseSource = deck.slides
      .filter((s) => s.properties['added'] !== 'chapter')
      .map((s) => s.raw)
      .join('\n');
    expect((courseSource.match(/!\[[^\]]*\]\(img\//g) ?? []).length).toBe((source.match(/<img /g) ?? []).length);
  });

  it('have a slide for every chapter the agenda links to', () => {
    const names = deck.slides.map((s) => s.properties['name']).filter(Boolean);
    for (const chapter of [
      'agenda',
      'cloud',
      'virtualisation',
      'openstack',
      'keystone',
      'glance',
      'nova',
      'cinder',
      'neutron',
      'telemetry',
      'heat',
      'swift',
      'cicd',
    ]) {
      expect(names).toContain(chapter);
    }
  });

  it('credit the author and the licence on the first slides', () => {
    const opening = deck.slides
      .slice(0, 2)
      .map((s) => s.content)
      .join('\n');
    expect(opening).toContain('Mathieu Rohon');
    expect(opening).toContain('Orange Labs');
    expect(opening).toMatch(/CC BY-SA 4\.0|Creative Commons BY-SA 4\.0/);
  });

  it('give every code block a language the highlighter knows', () => {
    const fences = deck.source.split('\n').filter((l) => /^```/.test(l));
    const openings = fences.filter((_, i) => i % 2 === 0);
    expect(openings.length).toBeGreaterThan(0);
    for (const fence of openings) expect(fence).toMatch(/^```(shell|bash|yaml|json|xml|ini)$/);
  });
});
