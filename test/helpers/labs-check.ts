/** `npm run labs:check` as a child process, for the tests of its output and exit status. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureLabUser } from './lab-server.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

export function labsCheck(...args: string[]): { status: number | null; output: string } {
  ensureLabUser();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'labs-check.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
