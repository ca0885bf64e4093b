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

import {
  array,
  asOne,
  integer,
  map,
  object,
  optional,
  record,
  refine,
  string,
  where,
  withMessage,
  type Infer,
  type Schema,
} from './schema.ts';
import { id } from './wire-fields.ts';

export const DEFAULT_CHECK_TIMEOUT_MS = 20_000;
export const MAX_CHECK_TIMEOUT_MS = 120_000;
export const MAX_CHECKS_PER_EXERCISE = 8;
const MAX_TEXT = 500;

/** Non-blank, bounded, without NUL (it reaches a shell or the projector). */
const isText = (max: number) => (value: string) => value.trim() !== '' && value.length <= max && !value.includes('\0');

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** A regular expression (JSON text) the output must match; `accept` bounds the text itself. */
export function outputPattern(accept?: (value: string) => boolean): Schema<string> {
  return where(string('expression régulière attendue', accept), compiles, 'expression régulière invalide');
}

const exerciseCheck = object({
  id,
  /** bash, in the session's working directory, as the session's account, with its environment. */
  run: string('commande non vide attendue', isText(2000)),
  expect: optional(outputPattern(isText(MAX_TEXT))),
  ok: optional(asOne(array(integer(0, 255), { min: 1 }), 'liste de codes de sortie (0 à 255) attendue')),
  /** Shown with ✗: what to look at, in French, without giving the whole answer. */
  hint: map(string('indice en français attendu', isText(MAX_TEXT)), (hint) => hint.trim()),
  timeoutMs: optional(integer(100, MAX_CHECK_TIMEOUT_MS, `entier de 100 à ${MAX_CHECK_TIMEOUT_MS} attendu`)),
});
export type ExerciseCheck = Infer<typeof exerciseCheck>;

const exercise = object({
  title: map(string('texte non vide attendu', isText(200)), (title) => title.trim()),
  checks: refine(
    withMessage(
      array(withMessage(exerciseCheck, 'objet { id, run, hint, expect?, ok?, timeoutMs? } attendu'), {
        min: 1,
        max: MAX_CHECKS_PER_EXERCISE,
      }),
      `liste de 1 à ${MAX_CHECKS_PER_EXERCISE} vérifications attendue`,
    ),
    (checks) => {
      const seen = new Set<string>();
      for (const [index, check] of checks.entries()) {
        if (seen.has(check.id))
          return { path: [index, 'id'], expected: `« ${check.id} » déjà utilisé dans cet exercice` };
        seen.add(check.id);
      }
      return undefined;
    },
  ),
});

export interface LabExercise extends Infer<typeof exercise> {
  readonly id: string;
}

/** lab.json `exercises`: exerciseId -> exercise, each with its id. */
export const labExercises: Schema<Readonly<Record<string, LabExercise>>> = map(
  withMessage(
    record(id, withMessage(exercise, 'objet { title, checks } attendu')),
    'objet id -> { title, checks } attendu',
  ),
  (exercises) =>
    Object.freeze(
      Object.fromEntries(Object.entries(exercises).map(([key, spec]) => [key, Object.freeze({ id: key, ...spec })])),
    ),
);
