/**
 * The class's progress on the deck's exercises (« À vous » slides), for the presenter's panel: one row per
 * exercise, in deck order, with how many students have it right and who is stuck. Pure: the roster comes
 * from the server (StudentInfo.exercises, StudentInfo.slide), time from the panel's events (`now`), the
 * exercise slides from the deck module; class-panel.ts renders the rows.
 */
import type { ExerciseProgress, StudentInfo } from '../../protocol/classroom.ts';
import type { DeckModule } from '../../protocol/deck-update.ts';

/**
 * How long a student may stay on an exercise slide without pressing « Vérifier » before the panel calls
 * them stuck: long enough to read the statement and type a few commands (the exercises take two to five),
 * short enough that the presenter can still help before moving on.
 */
export const STUCK_AFTER_MS = 5 * 60_000;

/** Failed « Vérifier » in a row (since the last success) that make a student stuck. */
export const STUCK_FAILURES = 2;

/** An exercise slide of the deck. */
export interface DeckExercise {
  readonly lab: string;
  readonly exercise: string;
  /** Its first remark index (remark counts each incremental step as a slide). */
  readonly first: number;
  /** How many remark indices it covers (its steps). */
  readonly steps: number;
  /** Its number as the slide shows it (steps not counted). */
  readonly number: number;
  /** The slide's heading, when it has one: what the presenter's panel names it by. */
  readonly title?: string;
}

/** The exercise slides of the deck, in deck order. */
export function deckExercises(deck: DeckModule): DeckExercise[] {
  const exercises: DeckExercise[] = [];
  let first = 0;
  for (const [index, slide] of deck.slides.entries()) {
    if (slide.lab !== undefined && slide.exercise !== undefined) {
      const title = slide.exerciseTitle === undefined ? {} : { title: slide.exerciseTitle };
      exercises.push({
        lab: slide.lab,
        exercise: slide.exercise,
        first,
        steps: slide.steps,
        number: index + 1,
        ...title,
      });
    }
    first += slide.steps;
  }
  return exercises;
}

/**
 * Where a student has been since when: their slide and their count of « Vérifier », as last seen, and the
 * time either last changed. A student quiet on an exercise slide for STUCK_AFTER_MS is stuck.
 */
export interface Presence {
  readonly slide: number | undefined;
  readonly attempts: number;
  readonly since: number;
}

function attemptsOf(student: StudentInfo): number {
  return (student.exercises ?? []).reduce((sum, progress) => sum + progress.attempts, 0);
}

/**
 * The presence of the students of a new roster received at `now`: unchanged for a student on the same
 * slide who pressed nothing since; restarted at `now` otherwise. A student gone from the roster is dropped.
 */
export function notePresence(
  previous: ReadonlyMap<string, Presence>,
  students: readonly StudentInfo[],
  now: number,
): ReadonlyMap<string, Presence> {
  const next = new Map<string, Presence>();
  for (const student of students) {
    const before = previous.get(student.id);
    const attempts = attemptsOf(student);
    next.set(
      student.id,
      before && before.slide === student.slide && before.attempts === attempts
        ? before
        : { slide: student.slide, attempts, since: now },
    );
  }
  return next;
}

export interface StuckStudent {
  readonly id: string;
  readonly name: string;
  readonly reason: 'failures' | 'idle';
  /** « bloqué·e : 2 échecs », « bloqué·e : aucune tentative depuis 5 min ». */
  readonly text: string;
  /** They have a session of the exercise's lab: the presenter can watch it. */
  readonly watchable: boolean;
}

export interface ExerciseRow {
  /** `lab/exercise`, unique in the deck (the build checks it). */
  readonly key: string;
  readonly lab: string;
  readonly exercise: string;
  /** What the row is called: the slide's heading without its « À vous : », else the exercise's id. */
  readonly title: string;
  readonly slide: string;
  readonly done: number;
  readonly total: number;
  /** « 1/3 réussi », « 2/3 réussis ». */
  readonly count: string;
  readonly stuck: readonly StuckStudent[];
}

function progressOf(student: StudentInfo, exercise: DeckExercise): ExerciseProgress | undefined {
  return student.exercises?.find((p) => p.lab === exercise.lab && p.exercise === exercise.exercise);
}

function stuckOn(
  student: StudentInfo,
  exercise: DeckExercise,
  presence: Presence | undefined,
  now: number,
): StuckStudent | undefined {
  const progress = progressOf(student, exercise);
  if (progress?.ok) return undefined;
  const watchable = student.labs.includes(exercise.lab);
  const failures = progress?.failures ?? 0;
  if (failures >= STUCK_FAILURES)
    return { id: student.id, name: student.name, reason: 'failures', text: `bloqué·e : ${failures} échecs`, watchable };
  // Time counts only while they are there: a disconnected page's slide is the one it last showed.
  const here =
    student.connected &&
    student.slide !== undefined &&
    student.slide >= exercise.first &&
    student.slide < exercise.first + exercise.steps;
  if (!here || !presence || presence.slide !== student.slide) return undefined;
  const quiet = now - presence.since;
  if (quiet < STUCK_AFTER_MS) return undefined;
  return {
    id: student.id,
    name: student.name,
    reason: 'idle',
    text: `bloqué·e : aucune tentative depuis ${Math.floor(quiet / 60_000)} min`,
    watchable,
  };
}

function rowTitle(exercise: DeckExercise): string {
  const title = exercise.title?.replace(/^À vous\s*:\s*/iu, '').trim() ?? '';
  return title === '' ? exercise.exercise : `${title.charAt(0).toLocaleUpperCase('fr')}${title.slice(1)}`;
}

/** One row per exercise of the deck, in deck order; `total` is every student of the class, connected or not. */
export function exerciseRows(
  students: readonly StudentInfo[],
  presence: ReadonlyMap<string, Presence>,
  now: number,
  exercises: readonly DeckExercise[],
): ExerciseRow[] {
  return exercises.map((exercise) => {
    const done = students.filter((student) => progressOf(student, exercise)?.ok === true).length;
    const stuck = students.flatMap((student) => stuckOn(student, exercise, presence.get(student.id), now) ?? []);
    return {
      key: `${exercise.lab}/${exercise.exercise}`,
      lab: exercise.lab,
      exercise: exercise.exercise,
      title: rowTitle(exercise),
      slide: `diapositive ${exercise.number}`,
      done,
      total: students.length,
      count: `${done}/${students.length} ${done > 1 ? 'réussis' : 'réussi'}`,
      stuck,
    };
  });
}
