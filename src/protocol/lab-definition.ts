/**
 * What a lab is: labs/<id>/lab.json, validated the same way by the lab server (which runs it) and by the
 * deck (whose `*$` command lines on a `lab:` slide must be commands of that lab, by id). Pure: the caller
 * reads the file and gives the parsed JSON. A broken definition throws an error naming the file and the
 * field; fields this version does not know are reported as warnings, never used.
 */
import { commandInfo, labCommand, type CommandInfo } from './lab-command.ts';
import { labExercises, outputPattern, type LabExercise } from './lab-exercise.ts';
import {
  array,
  asOne,
  describeProblem,
  integer,
  isRecord,
  literal,
  map,
  number,
  object,
  optional,
  pattern,
  record,
  refine,
  string,
  withDefault,
  withMessage,
  type Infer,
  type Problem,
} from './schema.ts';
import { id } from './wire-fields.ts';

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

export class LabDefinitionError extends Error {
  override readonly name = 'LabDefinitionError';
}

export { MAX_COMMAND_CHARS } from './lab-command.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const TOOL_NAME = /^[A-Za-z0-9._+-]{1,64}$/;
/** A script of the lab's own folder: a plain file name, no path. */
const SCRIPT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const keys = string('touches à taper attendues', (value) => value !== '');

/**
 * What `npm run labs:check` expects of one demo command. A command that returns to the shell passes when
 * its exit status is in `ok` (default [0]) and its output matches `expect`; an interactive one (a VM's
 * console) passes when its output matches `expect`, then `exit` is typed to leave it.
 */
const commandCheck = refine(
  withMessage(
    object({
      expect: optional(outputPattern()),
      ok: optional(asOne(array(integer(0, 255)), 'liste de codes de sortie attendue')),
      /** Keys typed once `expect` matched, before leaving (e.g. "\r" to show a console's prompt)… */
      keys: optional(keys),
      /** …and what must then appear. */
      then: optional(outputPattern()),
      /** Keys typed once `expect` matched, to leave an interactive program (e.g. "\u0001x" for qemu). */
      exit: optional(keys),
      timeoutMs: optional(number('durée en ms (au plus 600000) attendue', (ms) => ms > 0 && ms <= 600_000)),
    }),
    'objet { expect, ok, exit, timeoutMs } attendu',
  ),
  (check) =>
    (check.keys === undefined) !== (check.then === undefined) || (check.keys !== undefined && check.exit === undefined)
      ? { path: [], expected: 'keys et then vont ensemble, avec exit' }
      : undefined,
);
export type CommandCheck = Infer<typeof commandCheck>;

const NONE: readonly never[] = Object.freeze([]);
const EMPTY: Readonly<Record<string, never>> = Object.freeze({});
const script = optional(pattern(SCRIPT_NAME, 'nom d’un script du dossier du lab attendu (sans chemin)'));
const shellArgument = string('texte non vide attendu', (arg) => arg !== '' && !arg.includes('\0'));

/** labs/<id>/lab.json as written; parseLabDefinition adds what ties its fields together. */
const labFile = object(
  {
    id,
    title: map(
      string('texte non vide attendu', (title) => title.trim() !== '' && title.length <= 200),
      (title) => title.trim(),
    ),
    shell: withMessage(array(shellArgument, { min: 1 }), 'liste non vide attendue (ex. ["bash", "-i"])'),
    cwd: withDefault(withMessage(literal('state'), '« state » attendu (un dossier neuf par session)'), 'state'),
    env: withDefault(
      withMessage(
        object({
          allow: withDefault(
            withMessage(array(pattern(ENV_NAME, 'nom de variable attendu')), 'liste de noms de variables attendue'),
            NONE,
          ),
          set: withDefault(
            withMessage(
              record(
                pattern(ENV_NAME, 'nom de variable invalide'),
                string('texte attendu', (value) => !value.includes('\0')),
              ),
              'objet nom -> valeur attendu',
            ),
            EMPTY,
          ),
        }),
        'objet { allow, set } attendu',
      ),
      Object.freeze({ allow: NONE, set: EMPTY }),
    ),
    tools: withDefault(
      withMessage(array(pattern(TOOL_NAME, 'nom de programme attendu (sans chemin)')), 'liste de programmes attendue'),
      NONE,
    ),
    ready: script,
    setup: script,
    provision: script,
    commands: withDefault(
      withMessage(record(id, labCommand), 'objet id -> texte (ou { text, target, holds }) attendu'),
      EMPTY,
    ),
    checks: withDefault(
      withMessage(record(string(), commandCheck), 'objet id de commande -> vérification attendu'),
      EMPTY,
    ),
    exercises: withDefault(labExercises, EMPTY),
  },
  // Fields a later version may add are reported as warnings (parseLabDefinition), never used.
  { unknown: 'ignore' },
);
const labFileOrRoot = withMessage(labFile, 'objet JSON attendu');

/** The text a slide shows for a command, compared with the lab's: runs of blanks count as one space. */
export function normalizeCommand(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Validates one parsed lab.json; `where` names the file in every error. */
export function parseLabDefinition(
  value: unknown,
  dirName: string,
  dir: string,
  where: string,
  warnings: string[],
): LabDefinition {
  const fail = (found: Problem): never => {
    throw new LabDefinitionError(`${where} : ${describeProblem(found)}`);
  };
  const checked = labFileOrRoot.check(value);
  if (!checked.ok) return fail(checked.problem);
  const file = checked.value;
  for (const key of Object.keys(isRecord(value) ? value : {})) {
    if (!Object.hasOwn(labFile.shape, key))
      warnings.push(`${where} : champ « ${key} » inconnu de cette version, ignoré`);
  }
  if (file.id !== dirName) fail({ path: ['id'], expected: `doit être le nom du dossier (« ${dirName} »)` });

  const seen = new Map<string, string>();
  const texts: Record<string, string> = {};
  const info: Record<string, CommandInfo> = {};
  for (const [commandId, spec] of Object.entries(file.commands)) {
    const other = seen.get(normalizeCommand(spec.text));
    if (other !== undefined)
      fail({
        path: ['commands', commandId],
        expected: `même texte que « ${other} » : une commande n’a qu’un identifiant`,
      });
    seen.set(normalizeCommand(spec.text), commandId);
    texts[commandId] = spec.text;
    info[commandId] = commandInfo(spec);
  }
  for (const commandId of Object.keys(file.checks)) {
    if (!Object.hasOwn(file.commands, commandId))
      fail({ path: ['checks', commandId], expected: 'pas une commande de ce lab' });
  }

  return Object.freeze({
    id: file.id,
    title: file.title,
    shell: file.shell,
    cwd: file.cwd,
    env: file.env,
    tools: file.tools,
    ready: file.ready,
    setup: file.setup,
    provision: file.provision,
    commands: Object.freeze(texts),
    commandInfo: Object.freeze(info),
    checks: file.checks,
    exercises: file.exercises,
    dir,
  });
}

/** The id of the lab command a slide shows, if the lab has it. */
export function commandIdFor(lab: Pick<LabDefinition, 'commands'>, shown: string): string | undefined {
  const wanted = normalizeCommand(shown);
  for (const [id, text] of Object.entries(lab.commands)) if (normalizeCommand(text) === wanted) return id;
  return undefined;
}
