/**
 * On a cloud demo slide the terminal beside the text shows today's output; the 2016 output, which
 * contradicts it (`BUILD` under `--wait`, old columns, old `OS_*` variables), belongs in the notes. So the
 * visible code blocks of those slides hold commands only, with two exceptions that cannot contradict the
 * terminal: what another machine prints (`*moi@poste$ ssh …`, `*cirros@vm1$ curl …`: the lab does not
 * run it), and a `cat` of one of the lab's files, shown exactly as the lab has it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fenceLines } from '../../src/deck/fences.ts';
import { loadDeck } from '../../src/deck/load.ts';
import type { Slide } from '../../src/deck/parse.ts';

const root = join(import.meta.dirname, '..', '..');
const COMMAND = /^\*\$ /;
const COURSE_COMMENT = /^#( |$)/;
const OTHER_MACHINE = /^\*[\w.-]+@[\w.-]+\$ /;
const CAT_LAB_FILE = /^\*\$ cat (\S+)\s*$/;

interface CodeLine {
  readonly line: number;
  readonly text: string;
}

/** The visible code blocks of a slide, each as its lines with their file line numbers. */
function visibleBlocks(slide: Slide): CodeLine[][] {
  const blocks: CodeLine[][] = [];
  let block: CodeLine[] | undefined;
  const lines = slide.raw.split('\n');
  const kinds = fenceLines(lines);
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const kind = kinds[i];
    if (kind === 'text' && text.trimEnd() === '???') break;
    if (kind === 'open') block = [];
    else if (kind === 'close' && block !== undefined) {
      blocks.push(block);
      block = undefined;
    } else if (kind === 'code') block?.push({ line: slide.line + i, text });
  }
  return blocks;
}

/** Lines of a visible block that are neither a command, nor a 2016 comment, nor allowed output. */
function outputUnderCommands(block: readonly CodeLine[], labFile: (name: string) => string | undefined): string[] {
  const wrong: string[] = [];
  let continued = false;
  let owner: 'lab' | 'elsewhere' = 'lab';
  let cat: { name: string; lines: CodeLine[] } | undefined;
  const closeCat = () => {
    if (cat === undefined) return;
    const shown = cat.lines
      .map((l) => l.text)
      .join('\n')
      .trimEnd();
    const file = labFile(cat.name)?.trimEnd();
    if (shown !== file)
      wrong.push(`${cat.lines[0]?.line ?? '?'}: « cat ${cat.name} » shows other text than the lab's file`);
    cat = undefined;
  };
  for (const { line, text } of block) {
    const isContinuation = continued && text.startsWith('*');
    continued = text.trimEnd().endsWith('\\');
    if (isContinuation || text.trim() === '') continue;
    if (COMMAND.test(text) || COURSE_COMMENT.test(text) || OTHER_MACHINE.test(text)) {
      closeCat();
      owner = OTHER_MACHINE.test(text) ? 'elsewhere' : 'lab';
      const name = CAT_LAB_FILE.exec(text)?.[1];
      if (name !== undefined) cat = { name, lines: [] };
      continue;
    }
    if (cat !== undefined) cat.lines.push({ line, text });
    else if (owner === 'lab') wrong.push(`${line}: ${text}`);
  }
  closeCat();
  return wrong;
}

function readLabFile(name: string): string | undefined {
  try {
    return readFileSync(join(root, 'labs', 'cloud', 'files', name), 'utf8');
  } catch {
    return undefined;
  }
}

describe('the demo slides', () => {
  const { deck } = loadDeck(join(root, 'slides'));
  const cloudSlides = deck.slides.filter((s) => s.properties['lab'] === 'cloud');

  it('leave the output of cloud commands to the terminal (the 2016 output goes to the notes)', () => {
    expect(cloudSlides.length).toBeGreaterThan(30);
    const found = cloudSlides.flatMap((slide) =>
      visibleBlocks(slide).flatMap((block) =>
        outputUnderCommands(block, readLabFile).map((w) => `slides/${slide.file}:${w}`),
      ),
    );
    expect(found).toEqual([]);
  });

  it('catch 2016 output under a command, and a cat that differs from the lab file', () => {
    const block = (lines: string[]) => lines.map((text, i) => ({ line: i + 1, text }));
    expect(
      outputUnderCommands(
        block(['# cours 2016 : nova list', '*$ openstack server list', '| vm1 | BUILD |']),
        readLabFile,
      ),
    ).toEqual(['3: | vm1 | BUILD |']);
    expect(
      outputUnderCommands(
        block(['*$ openstack server create \\', '*    --wait vm1', '*moi@poste$ ssh vm', '$']),
        readLabFile,
      ),
    ).toEqual([]);
    expect(
      outputUnderCommands(block(['*$ cat cloud-config.yaml', '#cloud-config', 'password: 2016']), readLabFile),
    ).toEqual(["2: « cat cloud-config.yaml » shows other text than the lab's file"]);
  });

  it('show no stray highlight marker: a `*` after leading spaces is printed instead of highlighting', () => {
    const found = deck.slides.flatMap((slide) =>
      visibleBlocks(slide).flatMap((block) =>
        block.filter((l) => /^\s+\*/.test(l.text)).map((l) => `slides/${slide.file}:${l.line}`),
      ),
    );
    expect(found).toEqual([]);
  });
});
