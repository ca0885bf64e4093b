/**
 * A lab's provision script (lab.json `provision`): what a student of a hands-on class needs of their own
 * besides a shell (the cloud lab: an OpenStack project, its user, network and clouds.yaml). Run by the
 * server's account with the lab's environment, bounded in time, its output kept for the log and its
 * last line of stderr for the student's pane.

 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildLabEnv } from './env.ts';
import type { LabDefinition } from './labs.ts';
import { PROVISION_TIMEOUT_MS } from './server-limits.ts';

export type ProvisionVerb = 'add' | 'remove' | 'purge';

export type ProvisionResult =
  { readonly ok: true; readonly output: string } | { readonly ok: false; readonly problem: string };

/** Runs `<lab>/<provision> verb args…`; never rejects. */
export function runProvision(
  lab: LabDefinition,
  verb: ProvisionVerb,
  args: readonly string[],
  serverEnv: Readonly<Record<string, string | undefined>>,
  timeoutMs = PROVISION_TIMEOUT_MS,
): Promise<ProvisionResult> {
  const script = lab.provision;
  if (script === undefined) return Promise.resolve({ ok: true, output: '' });
  const env = buildLabEnv(lab, { user: 'root', home: lab.dir }, serverEnv);
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(join(lab.dir, script), [verb, ...args], {
      cwd: lab.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (data: Buffer) => (stdout = (stdout + data.toString()).slice(-4000)));
    child.stderr.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-4000)));
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, problem: `${script} ne se lance pas (${error.message})` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ ok: true, output: stdout.trim() });
      const last = stderr.trim().split('\n').pop()?.trim();
      const why =
        signal === 'SIGKILL' ? `pas de réponse après ${Math.round(timeoutMs / 1000)} s` : `code ${code ?? signal}`;
      resolve({ ok: false, problem: last ? `${last} (${why})` : `${script} ${verb} a échoué (${why})` });
    });
  });
}
