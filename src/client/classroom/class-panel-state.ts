/**
 * The presenter's class panel, as a pure function of what happened: the roster the server sends
 * (`class`), the clock ticking, the panel opened or closed, a student (and one of their labs) picked to
 * watch, the watch closed, « Terminer la classe » asked, confirmed or cancelled. class-panel.ts renders the
 * model and does the I/O (the read-only pane of the watched student, the `end-class` message, the clock).
 * Time only comes in events (`now`, ms since the epoch), so every transition is testable.
 */
import type { StudentInfo } from '../../protocol/classroom.ts';
import { exerciseRows, notePresence, type DeckExercise, type ExerciseRow, type Presence } from './exercise-progress.ts';

/** A student's terminal the presenter watches, read-only. */
export interface Watch {
  readonly id: string;
  readonly name: string;
  readonly lab: string;
}

export interface ClassPanelModel {
  readonly students: readonly StudentInfo[];
  /** Time of the last roster or tick. */
  readonly now: number;
  /** Since when each student is on their slide without pressing « Vérifier » (exercise-progress.ts). */
  readonly presence: ReadonlyMap<string, Presence>;
  readonly open: boolean;
  /** A student with several labs whose labs are offered to choose from. */
  readonly choosing: string | undefined;
  readonly watching: Watch | undefined;
  /** « Terminer la classe » was pressed: the confirmation shows. */
  readonly confirmingEnd: boolean;
}

export type ClassPanelEvent =
  | { readonly type: 'roster'; readonly students: readonly StudentInfo[]; readonly now: number }
  | { readonly type: 'tick'; readonly now: number }
  | { readonly type: 'toggle' }
  | { readonly type: 'close' }
  | { readonly type: 'pick'; readonly id: string }
  | { readonly type: 'pick-lab'; readonly id: string; readonly lab: string }
  | { readonly type: 'close-watch' }
  | { readonly type: 'ask-end' }
  | { readonly type: 'cancel-end' }
  | { readonly type: 'confirm-end' };

export const INITIAL_CLASS_PANEL: ClassPanelModel = {
  students: [],
  now: 0,
  presence: new Map(),
  open: false,
  choosing: undefined,
  watching: undefined,
  confirmingEnd: false,
};

export function reduceClassPanel(model: ClassPanelModel, event: ClassPanelEvent): ClassPanelModel {
  switch (event.type) {
    case 'roster': {
      const byId = new Map(event.students.map((s) => [s.id, s]));
      const watched = model.watching && byId.get(model.watching.id);
      // A student who left the class is no longer watched; one who renamed keeps being watched, renamed.
      const watching = model.watching && watched ? { ...model.watching, name: watched.name } : undefined;
      const choosing =
        model.choosing !== undefined && (byId.get(model.choosing)?.labs.length ?? 0) > 1 ? model.choosing : undefined;
      const now = Math.max(model.now, event.now);
      return {
        ...model,
        students: event.students,
        now,
        presence: notePresence(model.presence, event.students, now),
        watching,
        choosing,
      };
    }
    case 'tick':
      // The clock only moves forward (a tick queued behind a roster may carry an earlier time).
      return event.now > model.now ? { ...model, now: event.now } : model;
    case 'toggle':
      return model.open
        ? { ...model, open: false, choosing: undefined, confirmingEnd: false }
        : { ...model, open: true };
    case 'close':
      return model.open ? { ...model, open: false, choosing: undefined, confirmingEnd: false } : model;
    case 'pick': {
      const student = model.students.find((s) => s.id === event.id);
      if (!student) return model;
      const [only, ...others] = student.labs;
      if (only === undefined) return model;
      if (others.length > 0) return { ...model, choosing: model.choosing === student.id ? undefined : student.id };
      // The panel gives way to the terminal: it opens beside the presenter's own pane.
      return {
        ...model,
        choosing: undefined,
        open: false,
        confirmingEnd: false,
        watching: { id: student.id, name: student.name, lab: only },
      };
    }
    case 'pick-lab': {
      const student = model.students.find((s) => s.id === event.id);
      if (!student?.labs.includes(event.lab)) return model;
      return {
        ...model,
        choosing: undefined,
        open: false,
        confirmingEnd: false,
        watching: { id: student.id, name: student.name, lab: event.lab },
      };
    }
    case 'close-watch':
      return model.watching ? { ...model, watching: undefined } : model;
    case 'ask-end':
      return model.open && model.students.length > 0 ? { ...model, confirmingEnd: true, choosing: undefined } : model;
    case 'cancel-end':
      return model.confirmingEnd ? { ...model, confirmingEnd: false } : model;
    case 'confirm-end':
      // The server empties the roster; nobody is left to watch.
      return model.confirmingEnd ? { ...model, confirmingEnd: false, watching: undefined } : model;
  }
}

// ---------- what the DOM shows, derived ----------

/** The class button's text: how many students, and how many of them are connected when not all are. */
export function classButtonText(model: ClassPanelModel): string {
  const total = model.students.length;
  const connected = model.students.filter((s) => s.connected).length;
  return connected === total ? `Classe (${total})` : `Classe (${connected}/${total})`;
}

export interface StudentRow {
  readonly id: string;
  readonly name: string;
  readonly connected: boolean;
  readonly status: string;
  readonly slide: string;
  readonly labs: string;
  /** The last command, or a dash. */
  readonly command: string;
  /** ✓ 0, ✗ with the code, … while it runs, nothing without a command. */
  readonly result: string;
  readonly outcome: 'ok' | 'failed' | 'running' | 'none';
  readonly watchable: boolean;
  readonly watched: boolean;
}

/**
 * `slideNumber`: the number remark shows for a slide index (its steps are not counted), so the panel says
 * what the student's screen says.
 */
export function studentRow(
  student: StudentInfo,
  model: ClassPanelModel,
  slideNumber: (index: number) => number = (index) => index + 1,
): StudentRow {
  const last = student.last;
  const outcome = last === undefined ? 'none' : last.exit === undefined ? 'running' : last.exit === 0 ? 'ok' : 'failed';
  const result =
    last === undefined ? '' : last.exit === undefined ? '… en cours' : last.exit === 0 ? '✓ 0' : `✗ ${last.exit}`;
  return {
    id: student.id,
    name: student.name,
    connected: student.connected,
    status: student.connected ? 'connecté' : 'déconnecté',
    slide: student.slide === undefined ? 'diapositive —' : `diapositive ${slideNumber(student.slide)}`,
    labs: student.labs.length === 0 ? 'aucun lab ouvert' : student.labs.join(', '),
    command: last === undefined ? '—' : `${last.lab} $ ${last.text}`,
    result,
    outcome,
    watchable: student.labs.length > 0,
    watched: model.watching?.id === student.id,
  };
}

/** The « Exercices » section: one row per exercise slide of the deck (exercise-progress.ts). */
export function classExerciseRows(model: ClassPanelModel, exercises: readonly DeckExercise[]): ExerciseRow[] {
  return exerciseRows(model.students, model.presence, model.now, exercises);
}
