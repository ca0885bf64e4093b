/**
 * The students of a hands-on class: who joined under which name, with which cookie secret and which
 * Unix account, where they are in the deck, what they ran last. One Student per person for the whole
 * class: a reload or a dropped Wi-Fi finds the same record (and so the same sessions) by the cookie.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  nameKey,
  normalizeName,
  type ExerciseProgress,
  type StudentCommand,
  type StudentIdentity,
} from '../protocol/classroom.ts';
import { errorValue, type ErrorValue } from '../protocol/errors.ts';
import type { LabAccount, Sandbox } from './sandbox.ts';
import type { StudentCgroup } from './cgroups.ts';

/** Where a lab's provision stands for one student. */
export type Provision =
  | { readonly state: 'pending'; readonly done: Promise<void> }
  | { readonly state: 'ready'; readonly dir: string | undefined }
  | { readonly state: 'failed'; readonly problem: string };

export class Student implements StudentIdentity {
  /** Pages of theirs connected now. */
  connections = 0;
  slide: number | undefined;
  last: StudentCommand | undefined;
  readonly provisions = new Map<string, Provision>();
  /** `lab/exercise` -> their attempts, for the presenter's panel. */
  readonly exercises = new Map<string, ExerciseProgress>();

  /** Records one « Vérifier »: passed or not. */
  attempted(lab: string, exercise: string, passed: boolean): void {
    const key = `${lab}/${exercise}`;
    const before = this.exercises.get(key);
    const attempts = (before?.attempts ?? 0) + 1;
    const failures = passed ? 0 : (before?.failures ?? 0) + 1;
    this.exercises.set(key, { lab, exercise, attempts, failures, ok: passed });
  }

  constructor(
    readonly id: string,
    readonly name: string,
    readonly secret: string,
    readonly account: LabAccount,
    readonly sandbox: Sandbox,
    readonly cgroup: StudentCgroup | undefined,
    /** stateDir/students/<id>: owned by their account; each provisioned lab gets a folder in it. */
    readonly dir: string,
  ) {}
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export type Admission =
  | { readonly ok: true; readonly student: Student }
  | { readonly ok: false; readonly status: number; readonly error: ErrorValue };

export class StudentList {
  private readonly byDigest = new Map<string, Student>();
  private readonly byName = new Map<string, Student>();

  get size(): number {
    return this.byDigest.size;
  }

  list(): readonly Student[] {
    return [...this.byDigest.values()];
  }

  /** The student whose cookie holds `secret` (compared by digest: no secret is kept as a map key). */
  bySecret(secret: string): Student | undefined {
    return this.byDigest.get(digest(secret));
  }

  byId(id: string): Student | undefined {
    return this.list().find((student) => student.id === id);
  }

  /**
   * Checks a requested name; `make` then builds the student (account, folder). Refusals are values the
   * join request answers with: 400 for a bad name, 409 for one taken, 503 when the class is full.
   */
  admit(
    raw: unknown,
    capacity: number,
    make: (id: string, name: string, secret: string) => Student | ErrorValue,
  ): Admission {
    const normalized = normalizeName(raw);
    if (!normalized.ok)
      return { ok: false, status: 400, error: errorValue('NAME_INVALID', { detail: normalized.problem }) };
    const key = nameKey(normalized.name);
    if (this.byName.has(key))
      return { ok: false, status: 409, error: errorValue('NAME_TAKEN', { detail: `« ${normalized.name} »` }) };
    if (this.size >= capacity)
      return { ok: false, status: 503, error: errorValue('CLASS_FULL', { detail: `${capacity} élèves au plus` }) };
    let id: string;
    do id = randomBytes(6).toString('hex');
    while (this.byId(id));
    const secret = randomBytes(32).toString('base64url');
    const made = make(id, normalized.name, secret);
    if (!(made instanceof Student)) return { ok: false, status: 503, error: made };
    this.byDigest.set(digest(secret), made);
    this.byName.set(key, made);
    return { ok: true, student: made };
  }

  /** Forgets everyone: their cookies stop working at once. */
  clear(): Student[] {
    const all = this.list() as Student[];
    this.byDigest.clear();
    this.byName.clear();
    return all;
  }
}
