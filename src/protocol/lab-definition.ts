/**
 * What a lab is: labs/<id>/lab.json, validated the same way by the lab server (which runs it) and by the
 * deck (whose `*$` command lines on a `lab:` slide must be commands of that lab, by id). Pure: the caller
 * reads the file and gives the parsed JSON. A broken definition throws an error naming the file and the
 * field; fields this version does not know are reported as warnings, never used.
 */
import { parseLabCommand, type CommandInfo } from './lab-command.ts';
import { parseExercises, type LabExercise } from './lab-exercise.ts';
import { ID_PATTERN } from './validate.ts';

export interface LabDefinition {
  readonly id: string;
  readonly title: string;
  /** argv of the long-lived shell; `$LAB_DIR` in an argument is replaced by the lab's folder. */
  readonly shell: readonly string[];
  /** Only "state" so far: a fresh working directory per session under the state directory. */
  readonly cwd: 'state';
  readonly env: { readonly allow: readonly string[]; readonly set: Readonly<Record<string, string>> };
  /** Programs that must be on the lab's PATH for it to be ready (the shell's own program is added). */
  readonly tools: readonly string[];
  /** Script of the lab's folder proving the lab can run (exit 0); its last output line says why not. */
  readonly ready: string | undefined;
  /**
   * Script of the lab's folder run in each fresh working directory, as the shell's user, before the shell
   * starts (copies the guest's disks, renders a domain's XML...). Reset runs it again in a new directory.
   */
  readonly setup: string | undefined;
  /**
   * Script of the lab's folder that gives a student of a hands-on class what the lab needs of their own
   * (the cloud lab: an OpenStack project and user). Run by the server, as the server's account:
   * `provision add ID DIR` before the student's first session (DIR then holds their files, e.g.
   * clouds.yaml, and reaches their shells as LAB_OWNER_DIR), `provision remove ID DIR` when the class
   * ends, `provision purge` at start (what an earlier class left).
   */
  readonly provision: string | undefined;
  /** commandId -> text typed into the shell (then Enter) by `run`. */
  readonly commands: Readonly<Record<string, string>>;
  /** commandId -> where it is typed and what holds the terminal while it runs (lab-command.ts). */
  readonly commandInfo: Readonly<Record<string, CommandInfo>>;
  /** How `npm run labs:check` knows a command worked (commands without an entry: exit status 0). */
  readonly checks: Readonly<Record<string, CommandCheck>>;
  /** exerciseId -> what « Vérifier » checks in a student's sandbox (lab-exercise.ts). */
  readonly exercises: Readonly<Record<string, LabExercise>>;
  /** Absolute path of labs/<id>. */
  readonly dir: string;
}

/**
 * What `npm run labs:check` expects of one demo command. A command that returns to the shell passes when
 * its exit status is in `ok` (default [0]) and its output matches `expect`; an interactive one (a VM's
 * console) passes when its output matches `expect`, then `exit` is typed to leave it.
 */
export interface CommandCheck {
  readonly expect?: string;
  readonly ok?: readonly number[];
  /** Keys typed once `expect` matched, before leaving (e.g. "\r" to show a console's prompt)… */
  readonly keys?: string;
  /** …and what must then appear. */
  readonly then?: string;
  /** Keys typed once `expect` matched, to leave an interactive program (e.g. "\u0001x" for qemu). */
  readonly exit?: string;
  readonly timeoutMs?: number;
}

export class LabDefinitionError extends Error {
  override readonly name = 'LabDefinitionError';
}

const KNOWN_FIELDS = new Set(['id', 'title', 'shell', 'cwd', 'env', 'tools', 'ready', 'setup', 'provision', 'commands', 'checks', 'exercises']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const TOOL_NAME = /^[A-Za-z0-9._+-]{1,64}$/;
/** A script of the lab's own folder: a plain file name, no path. */
const SCRIPT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export { MAX_COMMAND_CHARS } from './lab-command.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text a slide shows for a command, compared with the lab's: runs of blanks count as one space. */
export function normalizeCommand(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
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

  const script = (field: 'ready' | 'setup' | 'provision'): string | undefined => {
    const name = value[field];
    if (name === undefined) return undefined;
    if (typeof name !== 'string' || !SCRIPT_NAME.test(name)) return fail(field, 'nom d’un script du dossier du lab attendu (sans chemin)');
    return name;
  };
  const ready = script('ready');
  const setup = script('setup');
  const provision = script('provision');

  const commands = value['commands'] ?? {};
  if (!isObject(commands)) return fail('commands', 'objet id -> texte (ou { text, target, holds }) attendu');
  const seen = new Map<string, string>();
  const texts: Record<string, string> = {};
  const commandInfo: Record<string, CommandInfo> = {};
  for (const [commandId, spec] of Object.entries(commands)) {
    if (!ID_PATTERN.test(commandId)) fail(`commands.${commandId}`, 'identifiant [a-z0-9._-] attendu');
    const { text, info } = parseLabCommand(spec, `commands.${commandId}`, fail);
    const other = seen.get(normalizeCommand(text));
    if (other !== undefined) fail(`commands.${commandId}`, `même texte que « ${other} » : une commande n’a qu’un identifiant`);
    seen.set(normalizeCommand(text), commandId);
    texts[commandId] = text;
    commandInfo[commandId] = info;
  }

  const checks = parseChecks(value['checks'] ?? {}, commands, fail);
  const exercises = parseExercises(value['exercises'], fail);

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
    ready,
    setup,
    provision,
    commands: Object.freeze(texts),
    commandInfo: Object.freeze(commandInfo),
    checks,
    exercises,
    dir,
  });
}

const CHECK_FIELDS = ['expect', 'keys', 'then', 'ok', 'exit', 'timeoutMs'];

function parseChecks(value: unknown, commands: Json, fail: (field: string, problem: string) => never): Readonly<Record<string, CommandCheck>> {
  if (!isObject(value)) return fail('checks', 'objet id de commande -> vérification attendu');
  const checks: Record<string, CommandCheck> = {};
  for (const [commandId, check] of Object.entries(value)) {
    const field = `checks.${commandId}`;
    if (!Object.hasOwn(commands, commandId)) fail(field, 'pas une commande de ce lab');
    if (!isObject(check)) return fail(field, 'objet { expect, ok, exit, timeoutMs } attendu');
    for (const key of Object.keys(check)) if (!CHECK_FIELDS.includes(key)) fail(`${field}.${key}`, 'champ inconnu');
    const { expect, then, keys, ok, exit, timeoutMs } = check;
    for (const [name, pattern] of [['expect', expect], ['then', then]] as const) {
      if (pattern === undefined) continue;
      if (typeof pattern !== 'string') return fail(`${field}.${name}`, 'expression régulière attendue');
      try {
        new RegExp(pattern);
      } catch {
        fail(`${field}.${name}`, 'expression régulière invalide');
      }
    }
    if (keys !== undefined && (typeof keys !== 'string' || keys === '')) fail(`${field}.keys`, 'touches à taper attendues');
    if ((keys === undefined) !== (then === undefined) || (keys !== undefined && exit === undefined)) {
      fail(field, 'keys et then vont ensemble, avec exit');
    }
    if (ok !== undefined && (!Array.isArray(ok) || !ok.every((code) => Number.isInteger(code) && code >= 0 && code < 256))) {
      fail(`${field}.ok`, 'liste de codes de sortie attendue');
    }
    if (exit !== undefined && (typeof exit !== 'string' || exit === '')) fail(`${field}.exit`, 'touches à taper attendues');
    if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs > 0 && timeoutMs <= 600_000))) {
      fail(`${field}.timeoutMs`, 'durée en ms (au plus 600000) attendue');
    }
    checks[commandId] = Object.freeze({ ...check } as CommandCheck);
  }
  return Object.freeze(checks);
}

/** The id of the lab command a slide shows, if the lab has it. */
export function commandIdFor(lab: Pick<LabDefinition, 'commands'>, shown: string): string | undefined {
  const wanted = normalizeCommand(shown);
  for (const [id, text] of Object.entries(lab.commands)) if (normalizeCommand(text) === wanted) return id;
  return undefined;
}
