/**
 * The hands-on classroom, as both sides see it: a student joins with a display name (POST JOIN_PATH,
 * with the audience cookie), gets a student cookie, and from then on their panes are their own live labs,
 * in their own room. The presenter's page gets the class roster (`class` messages) and may watch a
 * student's terminal read-only; the student is told (`watched`).
 */

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

export interface StudentIdentity {
  readonly id: string;
  readonly name: string;
}

/** The last command a student ran in one of their labs, and how it ended (OSC 133's exit status). */
export interface StudentCommand {
  readonly lab: string;
  /** What was typed (by ▶ or by hand), at most MAX_COMMAND_TEXT characters. */
  readonly text: string;
  /** undefined while it runs. */
  readonly exit?: number;
}

export const MAX_COMMAND_TEXT = 200;

/** Where a student stands on one exercise (lab-exercise.ts): the presenter's panel counts these. */
export interface ExerciseProgress {
  readonly lab: string;
  readonly exercise: string;
  /** « Vérifier » pressed this many times. */
  readonly attempts: number;
  /** Failed attempts in a row since the last success (two or more: the panel says stuck). */
  readonly failures: number;
  /** The last attempt passed every check. */
  readonly ok: boolean;
}

/** One row of the presenter's class panel. */
export interface StudentInfo extends StudentIdentity {
  /** At least one page of theirs is connected. */
  readonly connected: boolean;
  /** The remark slide index their page shows. */
  readonly slide?: number;
  /** Labs with a live session of theirs. */
  readonly labs: readonly string[];
  readonly last?: StudentCommand;
  readonly exercises?: readonly ExerciseProgress[];
}

export type JoinAnswer =
  | { readonly ok: true; readonly student: StudentIdentity }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly hint?: string };

/**
 * A display name as typed: trimmed, inner spaces collapsed. Returns the name, or a French sentence
 * saying what is wrong with it. Letters of any script, digits, spaces, and - ' . _ only: it is shown to
 * the presenter and on the projector, so nothing that could pass for markup or a control sequence.
 */
export function normalizeName(raw: unknown): { readonly ok: true; readonly name: string } | { readonly ok: false; readonly problem: string } {
  if (typeof raw !== 'string') return { ok: false, problem: 'Le nom doit être un texte.' };
  const name = raw.trim().replace(/\s+/gu, ' ');
  if (name.length < MIN_NAME_LENGTH) return { ok: false, problem: 'Indiquez un nom.' };
  if ([...name].length > MAX_NAME_LENGTH) return { ok: false, problem: `Nom trop long : ${MAX_NAME_LENGTH} caractères au plus.` };
  if (!/^[\p{L}\p{M}\p{N} '’._-]+$/u.test(name)) {
    return { ok: false, problem: 'Lettres, chiffres, espaces et - \' . _ seulement.' };
  }
  return { ok: true, name };
}

/** Two names that differ only by case or accents are the same person on the projector. */
export function nameKey(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('fr');
}
