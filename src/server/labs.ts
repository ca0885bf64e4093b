/**
 * Lab definitions: labs/<id>/lab.json, validated when the server starts. A broken definition stops the
 * start with a message naming the file and the field; fields this version does not know are reported as
 * warnings (a later version may add them) but never used. Readiness (tools on PATH) is re-checked on each
 * attach, so `npm run setup` in another terminal fixes a lab without a restart.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ID_PATTERN } from '../protocol/validate.ts';

export interface LabDefinition {
  readonly id: string;
  readonly title: string;
  /** argv of the long-lived shell, e.g. ["bash", "--noprofile", "--norc", "-i"]. */
  readonly shell: readonly string[];
  /** Only "state" so far: a fresh working directory per session under the state directory. */
  readonly cwd: 'state';
  readonly env: { readonly allow: readonly string[]; readonly set: Readonly<Record<string, string>> };
  /** Programs that must be on the lab's PATH for it to be ready (the shell's own program is added). */
  readonly tools: readonly string[];
  /** commandId -> text typed into the shell (then Enter) by `run`. */
  readonly commands: Readonly<Record<string, string>>;
  /** Absolute path of labs/<id>. */
  readonly dir: string;
}

export interface LoadedLabs {
  readonly labs: ReadonlyMap<string, LabDefinition>;
  readonly warnings: readonly string[];
}

export class LabDefinitionError extends Error {
  override readonly name = 'LabDefinitionError';
}

const KNOWN_FIELDS = new Set(['id', 'title', 'shell', 'cwd', 'env', 'tools', 'commands']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const TOOL_NAME = /^[A-Za-z0-9._+-]{1,64}$/;
const MAX_COMMAND_CHARS = 4096;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates one parsed lab.json; `where` names the file in every error. */
export function parseLabDefinition(value: unknown, dirName: string, dir: string, where: string, warnings: string[]): LabDefinition {
  const fail = (field: string, problem: string): never => {
    throw new LabDefinitionError(`${where} : champ « ${field} » : ${problem}`);
  };
  if (!isObject(value)) return fail('(racine)', 'objet JSON attendu');
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS.has(key)) warnings.push(`${where} : champ « ${key} » inconnu de cette version, ignoré`);
  }
  const id = value['id'];
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) return fail('id', 'identifiant [a-z0-9._-] attendu');
  if (id !== dirName) fail('id', `doit être le nom du dossier (« ${dirName} »)`);
  const title = value['title'];
  if (typeof title !== 'string' || title.trim() === '' || title.length > 200) fail('title', 'texte non vide attendu');

  const shell = value['shell'];
  if (!Array.isArray(shell) || shell.length === 0) return fail('shell', 'liste non vide attendue (ex. ["bash", "-i"])');
  shell.forEach((arg, i) => {
    if (typeof arg !== 'string' || arg === '' || arg.includes('\0')) fail(`shell[${i}]`, 'texte non vide attendu');
  });
  const cwd = value['cwd'] ?? 'state';
  if (cwd !== 'state') fail('cwd', '« state » attendu (un dossier neuf par session)');

  const env = value['env'] ?? {};
  if (!isObject(env)) return fail('env', 'objet { allow, set } attendu');
  for (const key of Object.keys(env)) if (key !== 'allow' && key !== 'set') fail(`env.${key}`, 'champ inconnu');
  const allow = env['allow'] ?? [];
  if (!Array.isArray(allow)) return fail('env.allow', 'liste de noms de variables attendue');
  allow.forEach((name, i) => {
    if (typeof name !== 'string' || !ENV_NAME.test(name)) fail(`env.allow[${i}]`, 'nom de variable attendu');
  });
  const set = env['set'] ?? {};
  if (!isObject(set)) return fail('env.set', 'objet nom -> valeur attendu');
  for (const [name, val] of Object.entries(set)) {
    if (!ENV_NAME.test(name)) fail(`env.set.${name}`, 'nom de variable invalide');
    if (typeof val !== 'string' || val.includes('\0')) fail(`env.set.${name}`, 'texte attendu');
  }

  const tools = value['tools'] ?? [];
  if (!Array.isArray(tools)) return fail('tools', 'liste de programmes attendue');
  tools.forEach((tool, i) => {
    if (typeof tool !== 'string' || !TOOL_NAME.test(tool)) fail(`tools[${i}]`, 'nom de programme attendu (sans chemin)');
  });

  const commands = value['commands'] ?? {};
  if (!isObject(commands)) return fail('commands', 'objet id -> texte attendu');
  for (const [commandId, text] of Object.entries(commands)) {
    if (!ID_PATTERN.test(commandId)) fail(`commands.${commandId}`, 'identifiant [a-z0-9._-] attendu');
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_COMMAND_CHARS || text.includes('\0') || text.includes('\x1b')) {
      fail(`commands.${commandId}`, `texte non vide de moins de ${MAX_COMMAND_CHARS} caractères, sans NUL ni Échap, attendu`);
    }
  }

  return Object.freeze({
    id,
    title: (title as string).trim(),
    shell: Object.freeze([...(shell as string[])]),
    cwd: 'state' as const,
    env: Object.freeze({
      allow: Object.freeze([...(allow as string[])]),
      set: Object.freeze({ ...(set as Record<string, string>) }),
    }),
    tools: Object.freeze([...(tools as string[])]),
    commands: Object.freeze({ ...(commands as Record<string, string>) }),
    dir,
  });
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
  const candidates = name.includes('/') ? [name] : path.split(':').filter(Boolean).map((dir) => join(dir, name));
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
  | { readonly ready: false; readonly missing: string; readonly message: string; readonly hint: string };

/** Ready when the shell's program and every tool are found on the PATH the lab's shell will get. */
export function checkReadiness(lab: LabDefinition, path: string): Readiness {
  const program = lab.shell[0] ?? '';
  for (const tool of [program, ...lab.tools]) {
    if (findOnPath(tool, path) === undefined) {
      return { ready: false, missing: tool, message: `${tool} manquant`, hint: 'lancez npm run setup' };
    }
  }
  return { ready: true };
}

export function readinessReason(readiness: Readiness): string | undefined {
  return readiness.ready ? undefined : `${readiness.message} : ${readiness.hint}`;
}
