/**
 * Demo commands a lab cannot run on this machine as it is now, and why: `labs/<lab>/check-needs`, when the
 * lab has one, prints them one a line, `ID<tab>raison` (the cloud lab's network demos need its libvirt mode
 * and the real Neutron agents, which CI's libvirt stage starts). `npm run labs:check` then lists each one
 * it leaves out, with the reason, instead of failing on it; `--toutes` runs them all regardless.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export const NEEDS_SCRIPT = 'check-needs';

/** Left-out commands by id, from the script's output; a line that is not `ID<tab>reason` is an error. */
export function parseNeeds(output: string, commands: readonly string[]): Map<string, string> {
  const left = new Map<string, string>();
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    const [id = '', reason = ''] = line.split('\t', 2);
    if (!commands.includes(id)) throw new Error(`${NEEDS_SCRIPT} : « ${id} » n'est pas une commande du lab`);
    if (reason.trim() === '') throw new Error(`${NEEDS_SCRIPT} : pas de raison pour ${id} (attendu : ID<tab>raison)`);
    left.set(id, reason.trim());
  }
  return left;
}

/** What the lab in `dir` says it cannot run here; an empty map when it has no check-needs script. */
export function commandsLeftOut(dir: string, commands: readonly string[]): Map<string, string> {
  const script = join(dir, NEEDS_SCRIPT);
  try {
    accessSync(script, constants.X_OK);
  } catch {
    return new Map();
  }
  const result = spawnSync(script, [], { cwd: dir, encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) {
    throw new Error(`${script} a échoué (statut ${String(result.status)}) : ${result.stderr.trim().slice(-300)}`);
  }
  return parseNeeds(result.stdout, commands);
}
