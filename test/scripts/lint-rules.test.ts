/**
 * The import rules of eslint.config.js, run on small source trees planted in a scratch folder laid out like
 * the project (src/<layer>/…): a cycle and a layer crossing must fail `npm run lint`, clean code must not.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ESLint } from 'eslint';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const ESLINT = join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
const scratch: string[] = [];

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Lints a planted tree with the project's config; returns "file: rule" for every message. */
function lintTree(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'lint-rules-'));
  scratch.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  // The project's config, copied beside the tree (the layer zones are relative to it), with its plugins;
  // run from src/, to show the zones do not depend on where eslint is started.
  copyFileSync(join(ROOT, 'eslint.config.js'), join(dir, 'eslint.config.js'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const run = spawnSync(process.execPath, [ESLINT, '--format', 'json', '.'], {
    cwd: join(dir, 'src'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  const results = JSON.parse(run.stdout) as ESLint.LintResult[];
  return results
    .flatMap((result) =>
      result.messages.map((m) => `${result.filePath.slice(dir.length + 1)}: ${m.ruleId ?? m.message}`),
    )
    .sort();
}

describe('eslint import rules', { timeout: 60_000 }, () => {
  it('fails on an import cycle among src/ files', () => {
    const found = lintTree({
      'src/server/a.ts': "import { b } from './b.ts';\nexport const a = (): number => b + 1;\n",
      'src/server/b.ts': "import { c } from './c.ts';\nexport const b = c;\n",
      'src/server/c.ts': "import { a } from './a.ts';\nexport const c = 1;\nexport const later = (): number => a();\n",
    });
    expect(found).toEqual([
      'src/server/a.ts: import-x/no-cycle',
      'src/server/b.ts: import-x/no-cycle',
      'src/server/c.ts: import-x/no-cycle',
    ]);
  });

  it('does not count a type-only import, which the build erases', () => {
    const found = lintTree({
      'src/server/a.ts': "import { b } from './b.ts';\nexport const a = (): number => b + 1;\n",
      'src/server/b.ts': "import type { a } from './a.ts';\nexport const b = 1;\nexport type A = typeof a;\n",
    });
    expect(found).toEqual([]);
  });

  it('keeps the layers apart: protocol imports nothing of ours, the others only protocol', () => {
    const found = lintTree({
      'src/protocol/limits.ts': "import { page } from '../client/page.ts';\nexport const limit = page;\n",
      'src/client/page.ts': "import { serve } from '../../src/server/serve.ts';\nexport const page = serve;\n",
      'src/server/serve.ts': "import { parse } from '../deck/parse.ts';\nexport const serve = parse;\n",
      'src/deck/parse.ts': 'export const parse = 1;\n',
    });
    expect(found).toEqual([
      'src/client/page.ts: import-x/no-restricted-paths',
      'src/protocol/limits.ts: import-x/no-restricted-paths',
      'src/server/serve.ts: import-x/no-restricted-paths',
    ]);
  });

  it('accepts layers that import protocol and nothing else', () => {
    const found = lintTree({
      'src/protocol/limits.ts': 'export const limit = 1;\n',
      'src/server/serve.ts': "import { limit } from '../protocol/limits.ts';\nexport const serve = limit;\n",
      'src/client/page.ts': "import { limit } from '../protocol/limits.ts';\nexport const page = limit;\n",
    });
    expect(found).toEqual([]);
  });
});
