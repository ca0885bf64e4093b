import { describe, expect, it } from 'vitest';
import {
  classExerciseRows,
  INITIAL_CLASS_PANEL,
  reduceClassPanel,
  type ClassPanelEvent,
  type ClassPanelModel,
} from '../../src/client/classroom/class-panel-state.ts';
import { deckExercises, STUCK_AFTER_MS, type DeckExercise } from '../../src/client/classroom/exercise-progress.ts';
import type { ExerciseProgress, StudentInfo } from '../../src/protocol/classroom.ts';
import type { DeckModule } from '../../src/protocol/deck-update.ts';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;

// Slide 0 has two steps, so the qemu exercise (deck slide 2) starts at remark index 3.
const deck: DeckModule = {
  title: 'Cours',
  source: '',
  slides: [
    { steps: 2 },
    { steps: 1, lab: 'qemu', commands: [] },
    { steps: 1, lab: 'qemu', commands: [], exercise: 'qcow2-chaine', exerciseTitle: 'À vous : un disque adossé' },
    { steps: 1 },
    { steps: 1, lab: 'libvirt', commands: [], exercise: 'domaine-ma-vm' },
  ],
};
const exercises: readonly DeckExercise[] = deckExercises(deck);
const ON_QCOW2 = 3;
const ON_DOMAIN = 5;

const progress = (failures: number, ok: boolean, attempts = failures + (ok ? 1 : 0)): ExerciseProgress => ({
  lab: 'qemu',
  exercise: 'qcow2-chaine',
  attempts,
  failures,
  ok,
});
const student = (
  id: string,
  name: string,
  slide: number | undefined,
  exercises: readonly ExerciseProgress[] = [],
  more: Partial<StudentInfo> = {},
): StudentInfo => ({
  id,
  name,
  connected: true,
  ...(slide === undefined ? {} : { slide }),
  labs: ['qemu'],
  exercises,
  ...more,
});
const roster = (now: number, ...students: StudentInfo[]): ClassPanelEvent => ({ type: 'roster', students, now });
const tick = (now: number): ClassPanelEvent => ({ type: 'tick', now });
const run = (events: readonly ClassPanelEvent[], model: ClassPanelModel = INITIAL_CLASS_PANEL): ClassPanelModel =>
  events.reduce(reduceClassPanel, model);
const qcow2 = (model: ClassPanelModel) => classExerciseRows(model, exercises)[0];

describe('the exercises of the deck', () => {
  it('are its exercise slides, in deck order, with their remark indices and the number they show', () => {
    expect(exercises).toEqual([
      { lab: 'qemu', exercise: 'qcow2-chaine', first: 3, steps: 1, number: 3, title: 'À vous : un disque adossé' },
      { lab: 'libvirt', exercise: 'domaine-ma-vm', first: 5, steps: 1, number: 5 },
    ]);
  });

  it('get one row each, in deck order, counting who has it right among every student of the class', () => {
    const model = run([
      roster(
        T0,
        student('a1', 'Alice', ON_QCOW2, [progress(0, true)]),
        student('b2', 'Bruno', 0),
        student('c3', 'Chloé', 0, [], { connected: false }),
      ),
    ]);
    const rows = classExerciseRows(model, exercises);
    expect(rows.map((row) => row.key)).toEqual(['qemu/qcow2-chaine', 'libvirt/domaine-ma-vm']);
    expect(rows[0]).toMatchObject({
      lab: 'qemu',
      exercise: 'qcow2-chaine',
      title: 'Un disque adossé',
      slide: 'diapositive 3',
      done: 1,
      total: 3,
      count: '1/3 réussi',
      stuck: [],
    });
    // A slide without a heading: the row is named by the exercise's id.
    expect(rows[1]).toMatchObject({ title: 'domaine-ma-vm', done: 0, total: 3, count: '0/3 réussi' });
    const two = run([
      roster(T0, student('a1', 'Alice', 0, [progress(0, true)]), student('b2', 'Bruno', 0, [progress(0, true)])),
    ]);
    expect(qcow2(two)?.count).toBe('2/2 réussis');
  });
});

describe('a stuck student', () => {
  it('is one who failed twice in a row, wherever they are now, until a success', () => {
    const once = run([roster(T0, student('a1', 'Alice', ON_QCOW2, [progress(1, false)]))]);
    expect(qcow2(once)?.stuck).toEqual([]);
    const twice = reduceClassPanel(once, roster(T0 + 1_000, student('a1', 'Alice', ON_QCOW2, [progress(2, false)])));
    expect(qcow2(twice)?.stuck).toEqual([
      { id: 'a1', name: 'Alice', reason: 'failures', text: 'bloqué·e : 2 échecs', watchable: true },
    ]);
    // Gone to another slide, still stuck; a third failure says so.
    const away = reduceClassPanel(twice, roster(T0 + 2_000, student('a1', 'Alice', 0, [progress(3, false)])));
    expect(qcow2(away)?.stuck.map((s) => s.text)).toEqual(['bloqué·e : 3 échecs']);
    // The success clears it and counts.
    const solved = reduceClassPanel(away, roster(T0 + 3_000, student('a1', 'Alice', ON_QCOW2, [progress(0, true, 4)])));
    expect(qcow2(solved)).toMatchObject({ done: 1, count: '1/1 réussi', stuck: [] });
  });

  it('is one on the exercise’s slide for STUCK_AFTER_MS without pressing « Vérifier »', () => {
    const arrived = run([roster(T0, student('a1', 'Alice', ON_QCOW2))]);
    expect(qcow2(reduceClassPanel(arrived, tick(T0 + STUCK_AFTER_MS - 1)))?.stuck).toEqual([]);
    const quiet = reduceClassPanel(arrived, tick(T0 + STUCK_AFTER_MS));
    expect(qcow2(quiet)?.stuck).toEqual([
      { id: 'a1', name: 'Alice', reason: 'idle', text: 'bloqué·e : aucune tentative depuis 5 min', watchable: true },
    ]);
    expect(qcow2(reduceClassPanel(quiet, tick(T0 + 7.5 * MINUTE)))?.stuck[0]?.text).toBe(
      'bloqué·e : aucune tentative depuis 7 min',
    );
    // Only on that exercise's slide: the other exercise's row does not list them.
    expect(classExerciseRows(quiet, exercises)[1]?.stuck).toEqual([]);
  });

  it('is not stuck for the time a roster unchanged for them took to come: their clock runs from their move', () => {
    const arrived = run([
      roster(T0, student('a1', 'Alice', ON_QCOW2)),
      roster(T0 + 4 * MINUTE, student('a1', 'Alice', ON_QCOW2), student('b2', 'Bruno', 0)),
    ]);
    expect(arrived.presence.get('a1')?.since).toBe(T0);
    expect(arrived.presence.get('b2')?.since).toBe(T0 + 4 * MINUTE);
    expect(qcow2(reduceClassPanel(arrived, tick(T0 + STUCK_AFTER_MS)))?.stuck.map((s) => s.id)).toEqual(['a1']);
  });

  it('gets a new five minutes with each « Vérifier »', () => {
    const tried = run([
      roster(T0, student('a1', 'Alice', ON_QCOW2)),
      roster(T0 + 4 * MINUTE, student('a1', 'Alice', ON_QCOW2, [progress(1, false)])),
    ]);
    expect(qcow2(reduceClassPanel(tried, tick(T0 + STUCK_AFTER_MS + MINUTE)))?.stuck).toEqual([]);
    expect(qcow2(reduceClassPanel(tried, tick(T0 + 4 * MINUTE + STUCK_AFTER_MS)))?.stuck.map((s) => s.reason)).toEqual([
      'idle',
    ]);
  });

  it('is no longer stuck for time once they leave the slide, and starts again from zero when they come back', () => {
    const quiet = run([roster(T0, student('a1', 'Alice', ON_QCOW2)), tick(T0 + 6 * MINUTE)]);
    expect(qcow2(quiet)?.stuck).toHaveLength(1);
    const left = reduceClassPanel(quiet, roster(T0 + 6 * MINUTE, student('a1', 'Alice', ON_DOMAIN)));
    expect(qcow2(left)?.stuck).toEqual([]);
    const back = run([roster(T0 + 7 * MINUTE, student('a1', 'Alice', ON_QCOW2)), tick(T0 + 11 * MINUTE)], left);
    expect(qcow2(back)?.stuck).toEqual([]);
    expect(qcow2(reduceClassPanel(back, tick(T0 + 12 * MINUTE)))?.stuck).toHaveLength(1);
  });

  it('is not stuck for time with the exercise done, nor while disconnected', () => {
    const done = run([roster(T0, student('a1', 'Alice', ON_QCOW2, [progress(0, true)])), tick(T0 + 10 * MINUTE)]);
    expect(qcow2(done)?.stuck).toEqual([]);
    const gone = run([roster(T0, student('a1', 'Alice', ON_QCOW2, [], { connected: false })), tick(T0 + 10 * MINUTE)]);
    expect(qcow2(gone)?.stuck).toEqual([]);
  });

  it('drops out with the student who left the class, and so does their clock', () => {
    const both = run([
      roster(
        T0,
        student('a1', 'Alice', ON_QCOW2, [progress(2, false)]),
        student('b2', 'Bruno', ON_QCOW2, [progress(0, true)]),
      ),
    ]);
    expect(qcow2(both)).toMatchObject({ count: '1/2 réussi', stuck: [{ id: 'a1' }] });
    const left = reduceClassPanel(both, roster(T0 + 1_000, student('b2', 'Bruno', ON_QCOW2, [progress(0, true)])));
    expect(qcow2(left)).toMatchObject({ done: 1, total: 1, count: '1/1 réussi', stuck: [] });
    expect([...left.presence.keys()]).toEqual(['b2']);
  });

  it('can be watched only with a session of the exercise’s lab, and a click opens that lab of theirs', () => {
    const stuck = run([
      roster(
        T0,
        student('a1', 'Alice', ON_QCOW2, [progress(2, false)], { labs: ['shell', 'qemu'] }),
        student('b2', 'Bruno', 0, [progress(2, false)], { labs: [] }),
      ),
    ]);
    expect(qcow2(stuck)?.stuck.map((s) => [s.id, s.watchable])).toEqual([
      ['a1', true],
      ['b2', false],
    ]);
    const watching = reduceClassPanel({ ...stuck, open: true }, { type: 'pick-lab', id: 'a1', lab: 'qemu' });
    expect(watching).toMatchObject({ open: false, watching: { id: 'a1', name: 'Alice', lab: 'qemu' } });
    expect(reduceClassPanel(stuck, { type: 'pick-lab', id: 'b2', lab: 'qemu' })).toBe(stuck);
  });
});

describe('the panel’s clock', () => {
  it('moves with ticks and rosters, never back', () => {
    const ticked = reduceClassPanel(INITIAL_CLASS_PANEL, tick(T0));
    expect(ticked.now).toBe(T0);
    expect(reduceClassPanel(ticked, tick(T0))).toBe(ticked);
    expect(reduceClassPanel(ticked, tick(T0 - 1))).toBe(ticked);
    const late = reduceClassPanel(ticked, roster(T0 - 5_000, student('a1', 'Alice', ON_QCOW2)));
    expect(late.now).toBe(T0);
    expect(late.presence.get('a1')?.since).toBe(T0);
  });
});
