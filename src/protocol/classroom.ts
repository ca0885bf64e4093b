/**
 * The hands-on classroom, as both sides see it: a student joins with a display name (POST JOIN_PATH,
 * with the audience cookie), gets a student cookie, and from then on their panes are their own live labs,
 * in their own room. The presenter's page gets the class roster (`class` messages) and may watch a
 * student's terminal read-only; the student is told (`watched`).
 */
import { MAX_SLIDE_INDEX } from './limits.ts';
import { array, boolean, integer, object, optional, pattern, string, text, type Infer } from './schema.ts';
import { id } from './wire-fields.ts';

/** POST here, JSON {"name": "…"}: answered with a JoinAnswer, and the student cookie when it worked. */
export const JOIN_PATH = '/api/join';

/** Rooms of students are `eleve-<student id>`; the presenter's is DEFAULT_ROOM. */
export const STUDENT_ROOM_PREFIX = 'eleve-';

/** Student ids: short, lower-case, safe in account names, OpenStack project names and paths. */
export const STUDENT_ID_PATTERN = /^[a-z0-9]{1,16}$/;

export const MIN_NAME_LENGTH = 1;
export const MAX_NAME_LENGTH = 40;

export function studentRoom(studentId: string): string {
  return `${STUDENT_ROOM_PREFIX}${studentId}`;
}

/** The student id of a student's room, undefined for any other room. */
export function roomStudent(room: string): string | undefined {
  if (!room.startsWith(STUDENT_ROOM_PREFIX)) return undefined;
  const id = room.slice(STUDENT_ROOM_PREFIX.length);
  return STUDENT_ID_PATTERN.test(id) ? id : undefined;
}

export const MAX_COMMAND_TEXT = 200;

const studentId = pattern(STUDENT_ID_PATTERN, 'identifiant d’élève attendu');
/** Names are checked where they are typed (normalizeName); on the wire, only bounded. */
export const studentIdentity = object({ id: studentId, name: text(MIN_NAME_LENGTH, MAX_NAME_LENGTH * 2) });
export type StudentIdentity = Infer<typeof studentIdentity>;

/** The last command a student ran in one of their labs, and how it ended (OSC 133's exit status). */
const studentCommand = object({
  lab: id,
  /** What was typed (by ▶ or by hand), at most MAX_COMMAND_TEXT characters. */
  text: text(0, MAX_COMMAND_TEXT * 2),
  /** undefined while it runs. */
  exit: optional(integer(-1_000_000, 1_000_000)),
});
export type StudentCommand = Infer<typeof studentCommand>;

/** Where a student stands on one exercise (lab-exercise.ts): the presenter's panel counts these. */
const exerciseProgress = object({
  lab: id,
  exercise: id,
  /** « Vérifier » pressed this many times. */
  attempts: integer(0, 1_000_000),
  /** Failed attempts in a row since the last success (two or more: the panel says stuck). */
  failures: integer(0, 1_000_000),
  /** The last attempt passed every check. */
  ok: boolean(),
});
export type ExerciseProgress = Infer<typeof exerciseProgress>;

/** One row of the presenter's class panel. */
export const studentInfo = object({
  ...studentIdentity.shape,
  /** At least one page of theirs is connected. */
  connected: boolean(),
  /** The remark slide index their page shows. */
  slide: optional(integer(0, MAX_SLIDE_INDEX)),
  /** Labs with a live session of theirs. */
  labs: array(string()),
  last: optional(studentCommand),
  exercises: optional(array(exerciseProgress)),
});
export type StudentInfo = Infer<typeof studentInfo>;

export type JoinAnswer =
  | { readonly ok: true; readonly student: StudentIdentity }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly hint?: string };

/**
 * A display name as typed: trimmed, inner spaces collapsed. Returns the name, or a French sentence
 * saying what is wrong with it. Letters of any script, digits, spaces, and - ' . _ only: it is shown to
 * the presenter and on the projector, so nothing that could pass for markup or a control sequence.
 */
export function normalizeName(
  raw: unknown,
): { readonly ok: true; readonly name: string } | { readonly ok: false; readonly problem: string } {
  if (typeof raw !== 'string') return { ok: false, problem: 'Le nom doit être un texte.' };
  const name = raw.trim().replace(/\s+/gu, ' ');
  if (name.length < MIN_NAME_LENGTH) return { ok: false, problem: 'Indiquez un nom.' };
  if ([...name].length > MAX_NAME_LENGTH)
    return { ok: false, problem: `Nom trop long : ${MAX_NAME_LENGTH} caractères au plus.` };
  if (!/^[\p{L}\p{M}\p{N} '’._-]+$/u.test(name)) {
    return { ok: false, problem: "Lettres, chiffres, espaces et - ' . _ seulement." };
  }
  return { ok: true, name };
}

/** Two names that differ only by case or accents are the same person on the projector. */
export function nameKey(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('fr');
}
