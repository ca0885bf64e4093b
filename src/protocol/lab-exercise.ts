/**
 * An exercise of a lab (lab.json `exercises`): an « À vous » slide asks for something the chapter taught
 * without giving the command; « Vérifier » on the slide runs the exercise's checks in the student's own
 * sandbox and shows ✓, or ✗ with the check's hint. The browser names the exercise, never a command.
 *
 *   "exercises": {
 *     "qcow2-chain": {
 *       "title": "Un disque adossé à un autre",
 *       "checks": [
 *         { "id": "top-exists", "run": "test -f top.qcow2", "hint": "Créez d’abord top.qcow2 (qemu-img create)." },
 *         { "id": "backing", "run": "qemu-img info top.qcow2", "expect": "backing file: base\\.qcow2",
 *           "hint": "top.qcow2 doit être adossé à base.qcow2 : option -b (et -F qcow2)." }
 *       ]
 *     }
 *   }
 *
 * A check passes when `run` (bash, in the session's working directory, as the session's account, with the
 * session's environment) exits with a status in `ok` (default [0]) within `timeoutMs`, and its output
 * matches `expect` (a regular expression) when given.
 */

export interface ExerciseCheck {
  readonly id: string;
  readonly run: string;
  readonly expect?: string;
  readonly ok?: readonly number[];
  /** Shown with ✗: what to look at, in French, without giving the whole answer. */
  readonly hint: string;
  readonly timeoutMs?: number;
}

export interface LabExercise {
  readonly id: string;
  readonly title: string;
  readonly checks: readonly ExerciseCheck[];
}

export const DEFAULT_CHECK_TIMEOUT_MS = 20_000;
export const MAX_CHECK_TIMEOUT_MS = 120_000;
export const MAX_CHECKS_PER_EXERCISE = 8;
const MAX_TEXT = 500;
const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const EXERCISE_FIELDS = ['title', 'checks'];
const CHECK_FIELDS = ['id', 'run', 'expect', 'ok', 'hint', 'timeoutMs'];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.trim() !== '' && value.length <= max && !value.includes('\0');

/** Validates lab.json `exercises`; `fail` names the field (as lab-definition.ts does). */
export function parseExercises(value: unknown, fail: (field: string, problem: string) => never): Readonly<Record<string, LabExercise>> {
  if (value === undefined) return Object.freeze({});
  if (!isObject(value)) return fail('exercises', 'objet id -> { title, checks } attendu');
  const exercises: Record<string, LabExercise> = {};
  for (const [id, spec] of Object.entries(value)) {
    const field = `exercises.${id}`;
    if (!ID.test(id)) fail(field, 'identifiant [a-z0-9._-] attendu');
    if (!isObject(spec)) return fail(field, 'objet { title, checks } attendu');
    for (const key of Object.keys(spec)) if (!EXERCISE_FIELDS.includes(key)) fail(`${field}.${key}`, 'champ inconnu');
    const title = spec['title'];
    if (!isText(title, 200)) return fail(`${field}.title`, 'texte non vide attendu');
    const checks = spec['checks'];
    if (!Array.isArray(checks) || checks.length === 0 || checks.length > MAX_CHECKS_PER_EXERCISE) {
      return fail(`${field}.checks`, `liste de 1 à ${MAX_CHECKS_PER_EXERCISE} vérifications attendue`);
    }
    const seen = new Set<string>();
    exercises[id] = Object.freeze({
      id,
      title: title.trim(),
      checks: Object.freeze(checks.map((check, index) => parseCheck(check, `${field}.checks[${index}]`, seen, fail))),
    });
  }
  return Object.freeze(exercises);
}

function parseCheck(value: unknown, field: string, seen: Set<string>, fail: (field: string, problem: string) => never): ExerciseCheck {
  if (!isObject(value)) return fail(field, 'objet { id, run, hint, expect?, ok?, timeoutMs? } attendu');
  for (const key of Object.keys(value)) if (!CHECK_FIELDS.includes(key)) fail(`${field}.${key}`, 'champ inconnu');
  const { id, run, expect, ok, hint, timeoutMs } = value;
  if (typeof id !== 'string' || !ID.test(id)) return fail(`${field}.id`, 'identifiant [a-z0-9._-] attendu');
  if (seen.has(id)) fail(`${field}.id`, `« ${id} » déjà utilisé dans cet exercice`);
  seen.add(id);
  if (!isText(run, 2000)) return fail(`${field}.run`, 'commande non vide attendue');
  if (!isText(hint, MAX_TEXT)) return fail(`${field}.hint`, 'indice en français attendu');
  if (expect !== undefined) {
    if (!isText(expect, MAX_TEXT)) return fail(`${field}.expect`, 'expression régulière attendue');
    try {
      new RegExp(expect);
    } catch {
      return fail(`${field}.expect`, 'expression régulière invalide');
    }
  }
  if (ok !== undefined && (!Array.isArray(ok) || ok.length === 0 || !ok.every((code) => Number.isInteger(code) && code >= 0 && code <= 255))) {
    return fail(`${field}.ok`, 'liste de codes de sortie (0 à 255) attendue');
  }
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > MAX_CHECK_TIMEOUT_MS)) {
    return fail(`${field}.timeoutMs`, `entier de 100 à ${MAX_CHECK_TIMEOUT_MS} attendu`);
  }
  return Object.freeze({
    id,
    run,
    hint: hint.trim(),
    ...(expect === undefined ? {} : { expect }),
    ...(ok === undefined ? {} : { ok: Object.freeze([...(ok as number[])]) }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}
