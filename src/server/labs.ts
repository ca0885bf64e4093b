/**
 * Lab definitions: labs/<id>/lab.json, validated when the server starts. A broken definition stops the
 * start with a message naming the file and the field; fields this version does not know are reported as
 * warnings (a later version may add them) but never used. Readiness (tools, ready script) is checked again
 * before each new session, so `npm run setup` in another terminal fixes a lab without a restart.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LabDefinitionError, parseLabDefinition, type LabDefinition } from '../protocol/lab-definition.ts';

export { LabDefinitionError, type LabDefinition };

export interface LoadedLabs {
  readonly labs: ReadonlyMap<string, LabDefinition>;
  readonly warnings: readonly string[];
}

/** Every labs/<id>/lab.json; directories without one (scripts, guest images) are not labs. */
export function loadLabs(labsDir: string): LoadedLabs {
  const labs = new Map<string, LabDefinition>();
  const warnings: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(labsDir).sort();
  } catch (error) {
    throw new LabDefinitionError(`${labsDir} : dossier des labs illisible (${(error as Error).message})`);
  }
  for (const name of entries) {
    const dir = join(labsDir, name);
    const file = join(dir, 'lab.json');
    if (!statSync(dir).isDirectory()) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const where = relative(process.cwd(), file) || file;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new LabDefinitionError(`${where} : JSON invalide (${(error as Error).message})`);
    }
    labs.set(name, parseLabDefinition(parsed, name, dir, where, warnings));
  }
  return { labs, warnings };
}

/** Absolute path of an executable named `name` on `path`, or undefined. */
export function findOnPath(name: string, path: string): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : path
        .split(':')
        .filter(Boolean)
        .map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      const stat = statSync(candidate);
      if (stat.isFile() && (stat.mode & 0o111) !== 0) return candidate;
    } catch {
      // not there: next directory
    }
  }
  return undefined;
}

export type Readiness =
  | { readonly ready: true }
  | {
      readonly ready: false;
      /** LAB_TOOL_MISSING: a program is not on the PATH; LAB_NOT_READY: the lab's ready script said no. */
      readonly code: 'LAB_TOOL_MISSING' | 'LAB_NOT_READY';
      readonly missing: string;
      readonly message: string;
      readonly hint: string;
    };

/** A ready script has this long to answer; past it the lab is reported not ready. */
const READY_TIMEOUT_MS = 10_000;

/**
 * Ready when the shell's program and every tool are found on the PATH the lab's shell will get, and the
 * lab's own ready script (if any) exits 0. Its last output line says what is missing and what to do.
 */
export function checkReadiness(lab: LabDefinition, path: string): Readiness {
  const program = lab.shell[0] ?? '';
  for (const tool of [program, ...lab.tools]) {
    if (findOnPath(tool, path) === undefined) {
      return {
        ready: false,
        code: 'LAB_TOOL_MISSING',
        missing: tool,
        message: `${tool} manquant`,
        hint: 'lancez npm run setup',
      };
    }
  }
  if (lab.ready === undefined) return { ready: true };
  const result = spawnSync(join(lab.dir, lab.ready), [], {
    cwd: lab.dir,
    env: { PATH: path, LAB_DIR: lab.dir, LANG: 'C.UTF-8' },
    timeout: READY_TIMEOUT_MS,
    encoding: 'utf8',
  });
  if (result.status === 0) return { ready: true };
  const said = `${result.stdout ?? ''}\n${result.stderr ?? ''}`
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .pop();
  const why = said ?? (result.error ? result.error.message : `code ${String(result.status ?? result.signal)}`);
  return { ready: false, code: 'LAB_NOT_READY', missing: lab.ready, message: why, hint: 'puis rouvrez ce lab' };
}

/** A lab's readiness, remembered for `ttlMs`: a hundred pages saying hello run the ready scripts once. */
export function cachedReadiness(
  check: (lab: LabDefinition) => Readiness,
  ttlMs: number,
): (lab: LabDefinition) => Readiness {
  const cache = new Map<string, { readonly at: number; readonly readiness: Readiness }>();
  return (lab) => {
    const hit = cache.get(lab.id);
    if (hit && performance.now() - hit.at < ttlMs) return hit.readiness;
    const readiness = check(lab);
    cache.set(lab.id, { at: performance.now(), readiness });
    return readiness;
  };
}

export function readinessReason(readiness: Readiness): string | undefined {
  return readiness.ready ? undefined : `${readiness.message} : ${readiness.hint}`;
}
