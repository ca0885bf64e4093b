/**
 * Fields that several messages (and GET /api/status, and lab.json) share: ids, channels, terminal sizes,
 * roles and the labs a page is told about. Schemas first; the types are derived from them.
 */
import { MAX_CHANNEL, MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS } from './limits.ts';
import { array, boolean, integer, object, oneOf, optional, pattern, string, text, type Infer } from './schema.ts';

/** Lab ids, rooms and command ids: short, lower-case, safe in paths and in logs. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const id = pattern(ID_PATTERN, 'identifiant [a-z0-9._-] attendu');
export const channel = integer(0, MAX_CHANNEL);
export const cols = integer(MIN_COLS, MAX_COLS);
export const rows = integer(MIN_ROWS, MAX_ROWS);
/** Protocol versions (hello, welcome, status). */
export const version = integer(0, 1_000_000);

/**
 * What the page's cookie grants: the presenter drives the shared labs, the audience only watches them,
 * a student (hands-on class, classroom.ts) drives their own labs and watches the presenter's.
 */
export const clientRole = oneOf('presenter', 'audience', 'student');
export type ClientRole = Infer<typeof clientRole>;

/** What a page is in one session: one writer at most, any number of viewers. */
export const sessionRole = oneOf('writer', 'viewer');
export type SessionRole = Infer<typeof sessionRole>;

export const labInfo = object({
  id,
  title: text(1, 200),
  ready: boolean(),
  /** Why the lab is not ready, in French, with what to do ("qemu-img manquant : lancez npm run setup"). */
  reason: optional(text(1, 500)),
  /** Ids accepted by `run` for this lab. */
  commands: array(string()),
  /** Ids accepted by `verify` (lab.json `exercises`). */
  exercises: optional(array(string())),
});
export type LabInfo = Infer<typeof labInfo>;
