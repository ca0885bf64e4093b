/**
 * A session's working directory: created by the server, owned by the account lab shells run as, and
 * removed by that same account.
 *
 * Why not fs.rm as root: the lab account owns everything inside, so it can swap a subdirectory for a
 * symlink while the server is removing it. Node's recursive rm (lstat, readdir, then unlink of each
 * name) then unlinks through the symlink: a probe emptied a root-owned directory that way. Removing as
 * the lab account makes any such trick harmless (it can delete only what it could delete anyway), and
 * GNU rm never follows symlinks it meets. Only the empty directory itself is left to the server (its
 * parent belongs to the server), with rmdir, which follows nothing.
 */
import { spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PATH } from './env.ts';

export interface DirOwner {
  readonly uid: number;
  readonly gid: number;
}

/** A removal that takes longer than this is given up (and reported): a stuck NFS mount, say. */
const REMOVE_TIMEOUT_MS = 60_000;

/**
 * Made writable first (a lab may chmod 000 its own directories), then each entry removed; `find`
 * passes the names, so nothing here expands a glob or reads a name as an option.
 */
const REMOVE_CONTENTS =
  'chmod -R u+rwX -- "$1" 2>/dev/null; find "$1" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system -- {} +';

/** Creates a fresh session directory `parent/prefix-XXXXXX` that `owner` owns (the server's own account when undefined). */
export function createSessionDir(parent: string, prefix: string, owner: DirOwner | undefined): string {
  mkdirSync(parent, { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(parent, `${prefix}-`));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

function runAs(
  owner: DirOwner | undefined,
  argv: readonly string[],
): { readonly file: string; readonly args: string[] } {
  if (!owner) return { file: argv[0] ?? 'sh', args: argv.slice(1) };
  return {
    file: 'setpriv',
    args: [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--init-groups', '--no-new-privs', '--', ...argv],
  };
}

/**
 * Removes `dir` and everything in it, the contents as `owner`. Never rejects: resolves undefined when
 * the directory is gone, else a French sentence saying what stayed and why (for the pane and the log).
 */
export async function removeSessionDir(dir: string, owner: DirOwner | undefined): Promise<string | undefined> {
  const { file, args } = runAs(owner, ['/bin/sh', '-c', REMOVE_CONTENTS, 'remove-session-dir', dir]);
  const problem = await new Promise<string | undefined>((resolve) => {
    let stderr = '';
    const child = spawn(file, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: DEFAULT_PATH, LANG: 'C.UTF-8' },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), REMOVE_TIMEOUT_MS);
    child.stderr.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-2000)));
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(undefined);
      const firstLine = stderr.trim().split('\n')[0] ?? '';
      resolve(firstLine || (signal ? `arrêté (${signal})` : `code ${code}`));
    });
  });
  try {
    await rmdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return problem;
    return problem ?? `${code ?? 'erreur'} sur ${dir}`;
  }
  return undefined;
}
