import { describe, expect, it } from 'vitest';
import type { StudentInfo } from '../../src/protocol/classroom.ts';
import {
  classButtonText,
  INITIAL_CLASS_PANEL,
  reduceClassPanel,
  studentRow,
  type ClassPanelEvent,
  type ClassPanelModel,
} from '../../src/client/classroom/class-panel-state.ts';

const alice: StudentInfo = {
  id: 'a1',
  name: 'Alice',
  connected: true,
  slide: 41,
  labs: ['qemu'],
  last: { lab: 'qemu', text: 'qemu-img info disk.qcow2', exit: 0 },
};
const bruno: StudentInfo = {
  id: 'b2',
  name: 'Bruno',
  connected: false,
  labs: ['qemu', 'shell'],
  last: { lab: 'shell', text: 'false', exit: 1 },
};
const chloe: StudentInfo = { id: 'c3', name: 'Chloé', connected: true, slide: 3, labs: [] };
const run = (model: ClassPanelModel, events: readonly ClassPanelEvent[]): ClassPanelModel =>
  events.reduce(reduceClassPanel, model);
const roster = (...students: StudentInfo[]): ClassPanelEvent => ({ type: 'roster', students, now: 1_000 });
const withClass = run(INITIAL_CLASS_PANEL, [roster(alice, bruno, chloe), { type: 'toggle' }]);

describe('the class panel', () => {
  it('counts the students on its button, saying how many are connected when not all are', () => {
    expect(classButtonText(INITIAL_CLASS_PANEL)).toBe('Classe (0)');
    expect(classButtonText(withClass)).toBe('Classe (2/3)');
    expect(classButtonText(reduceClassPanel(withClass, roster(alice, chloe)))).toBe('Classe (2)');
  });

  it('shows each student’s row: connected or not, slide, labs, last command and how it ended', () => {
    expect(studentRow(alice, withClass)).toMatchObject({
      name: 'Alice',
      status: 'connecté',
      slide: 'diapositive 42',
      labs: 'qemu',
      command: 'qemu $ qemu-img info disk.qcow2',
      result: '✓ 0',
      outcome: 'ok',
      watchable: true,
    });
    // The number remark shows (steps not counted), given by the deck.
    expect(studentRow(alice, withClass, (index) => index - 5).slide).toBe('diapositive 36');
    expect(studentRow(bruno, withClass)).toMatchObject({
      status: 'déconnecté',
      slide: 'diapositive —',
      labs: 'qemu, shell',
      result: '✗ 1',
      outcome: 'failed',
    });
    expect(studentRow(chloe, withClass)).toMatchObject({
      labs: 'aucun lab ouvert',
      command: '—',
      result: '',
      outcome: 'none',
      watchable: false,
    });
    const running = { ...alice, last: { lab: 'qemu', text: 'sleep 5' } };
    expect(studentRow(running, withClass)).toMatchObject({ result: '… en cours', outcome: 'running' });
  });

  it('opens a student’s only lab at once, read-only, and gives the screen to it', () => {
    const watching = reduceClassPanel(withClass, { type: 'pick', id: 'a1' });
    expect(watching).toMatchObject({ open: false, watching: { id: 'a1', name: 'Alice', lab: 'qemu' } });
    expect(studentRow(alice, watching).watched).toBe(true);
    expect(reduceClassPanel(watching, { type: 'close-watch' }).watching).toBeUndefined();
  });

  it('asks which lab for a student with several, and opens the one chosen', () => {
    const choosing = reduceClassPanel(withClass, { type: 'pick', id: 'b2' });
    expect(choosing).toMatchObject({ open: true, choosing: 'b2', watching: undefined });
    expect(reduceClassPanel(choosing, { type: 'pick', id: 'b2' }).choosing).toBeUndefined();
    const watching = reduceClassPanel(choosing, { type: 'pick-lab', id: 'b2', lab: 'shell' });
    expect(watching).toMatchObject({ open: false, choosing: undefined, watching: { id: 'b2', lab: 'shell' } });
    // A lab the student does not have, or a student without labs, opens nothing.
    expect(reduceClassPanel(choosing, { type: 'pick-lab', id: 'b2', lab: 'cloud' })).toBe(choosing);
    expect(reduceClassPanel(withClass, { type: 'pick', id: 'c3' })).toBe(withClass);
    expect(reduceClassPanel(withClass, { type: 'pick', id: 'zz' })).toBe(withClass);
  });

  it('follows the roster: a student who left is no longer watched nor offered, a renamed one keeps being watched', () => {
    const watching = reduceClassPanel(withClass, { type: 'pick', id: 'a1' });
    expect(reduceClassPanel(watching, roster(bruno)).watching).toBeUndefined();
    expect(reduceClassPanel(watching, roster({ ...alice, name: 'Alice B.' })).watching).toEqual({
      id: 'a1',
      name: 'Alice B.',
      lab: 'qemu',
    });
    const choosing = reduceClassPanel(withClass, { type: 'pick', id: 'b2' });
    expect(reduceClassPanel(choosing, roster(alice, { ...bruno, labs: ['qemu'] })).choosing).toBeUndefined();
  });

  it('ends the class only after a confirmation, and can be cancelled', () => {
    const asking = reduceClassPanel(withClass, { type: 'ask-end' });
    expect(asking.confirmingEnd).toBe(true);
    expect(reduceClassPanel(asking, { type: 'cancel-end' }).confirmingEnd).toBe(false);
    const watching = run(withClass, [{ type: 'pick', id: 'a1' }, { type: 'toggle' }, { type: 'ask-end' }]);
    expect(reduceClassPanel(watching, { type: 'confirm-end' })).toMatchObject({
      confirmingEnd: false,
      watching: undefined,
    });
    // No confirmation asked, nothing to confirm; closing the panel drops the question.
    expect(reduceClassPanel(withClass, { type: 'confirm-end' })).toBe(withClass);
    expect(reduceClassPanel(asking, { type: 'close' }).confirmingEnd).toBe(false);
    // An empty class has nothing to end.
    expect(run(INITIAL_CLASS_PANEL, [{ type: 'toggle' }, { type: 'ask-end' }]).confirmingEnd).toBe(false);
  });

  it('opens and closes with its button, and closes with ✕ or Escape', () => {
    expect(reduceClassPanel(INITIAL_CLASS_PANEL, { type: 'toggle' }).open).toBe(true);
    expect(reduceClassPanel(withClass, { type: 'toggle' }).open).toBe(false);
    expect(reduceClassPanel(withClass, { type: 'close' }).open).toBe(false);
    expect(reduceClassPanel(INITIAL_CLASS_PANEL, { type: 'close' })).toBe(INITIAL_CLASS_PANEL);
  });
});
