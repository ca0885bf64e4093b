/**
 * scripts/lint-shell.sh, the shell half of `npm run lint`, run on a planted tree: it finds shell scripts by
 * name or shebang (or a `# shellcheck shell=` line) without a list, and fails on what shellcheck reports.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const scratch: string[] = [];

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const CLEAN = '#!/usr/bin/env bash\nset -euo pipefail\necho "$1"\n';
/** SC2086: an unquoted expansion. */
const FLAWED = '#!/bin/sh\necho $1\n';

function plant(files: Record<string, string>, git: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'lint-shell-'));
  scratch.push(dir);
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(ROOT, 'scripts', 'lint-shell.sh'), join(dir, 'scripts', 'lint-shell.sh'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  if (git) execFileSync('git', ['init', '-q', dir]);
  return dir;
}

function lint(dir: string): { status: number | null; output: string } {
  const result = spawnSync('bash', [join(dir, 'scripts', 'lint-shell.sh'), '-f', 'gcc'], {
    cwd: tmpdir(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('scripts/lint-shell.sh', () => {
  it.each([true, false])('checks every shell script, new ones included, and only those (git checkout: %s)', (git) => {
    const dir = plant(
      {
        'labs/demo/up': CLEAN,
        'labs/demo/lib.sh': '# shellcheck shell=bash\nsay() { printf "%s\\n" "$*"; }\n',
        'labs/demo/rc': '# shellcheck shell=bash\nPS1="$ "\n',
        'labs/demo/new-script': FLAWED,
        'labs/demo/reset.py': '#!/usr/bin/python3\nprint(1)\n',
        'labs/demo/notes': 'echo $1 is not a script: no shebang\n',
        'labs/demo/state/generated.sh': FLAWED,
      },
      git,
    );
    if (git) writeFileSync(join(dir, 'labs', 'demo', '.gitignore'), 'state/\n');
    const { status, output } = lint(dir);
    expect(status).toBe(1);
    expect(output).toContain(
      'labs/demo/new-script:2:6: note: Double quote to prevent globbing and word splitting. [SC2086]',
    );
    expect(output).not.toContain('generated.sh');
    expect(output).not.toContain('notes');
    rmSync(join(dir, 'labs', 'demo', 'new-script'));
    expect(lint(dir)).toEqual({ status: 0, output: 'lint-shell : 4 scripts shell sans remarque.\n' });
  });
});
