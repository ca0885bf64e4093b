import { describe, expect, it } from 'vitest';
import {
  barLabel,
  followsPresenter,
  initialStudentModel,
  offersOwnLabs,
  ownLabs,
  reduceStudent,
  roomFor,
  type StudentEvent,
  type StudentModel,
} from '../../src/client/classroom/student-state.ts';

const alice = { id: 'a1', name: 'Alice' };
const welcome = (role: 'presenter' | 'audience' | 'student', handsOn = true): StudentEvent => ({
  type: 'welcome',
  role,
  handsOn,
  student: role === 'student' ? alice : undefined,
});
const run = (model: StudentModel, events: readonly StudentEvent[]): StudentModel => events.reduce(reduceStudent, model);
const taken: StudentEvent = {
  type: 'join-answer',
  answer: {
    ok: false,
    code: 'NAME_TAKEN',
    message: 'Ce nom est déjà pris dans la classe.',
    hint: 'Ajoutez l’initiale de votre nom, ou un chiffre.',
  },
};
const joined: StudentEvent = { type: 'join-answer', answer: { ok: true, student: alice } };

describe('the audience of a hands-on class', () => {
  it('offers its own labs only in a hands-on class, to the audience and students', () => {
    expect(offersOwnLabs(run(initialStudentModel('presenter'), [welcome('audience')]))).toBe(true);
    expect(offersOwnLabs(run(initialStudentModel('presenter'), [welcome('student')]))).toBe(true);
    expect(offersOwnLabs(run(initialStudentModel('presenter'), [welcome('audience', false)]))).toBe(false);
    expect(offersOwnLabs(run(initialStudentModel('presenter'), [welcome('presenter')]))).toBe(false);
  });

  it('asks a name the first time, keeps it on a refusal, and takes the student’s labs once joined', () => {
    const audience = run(initialStudentModel('presenter'), [welcome('audience')]);
    const asking = reduceStudent(audience, { type: 'choose', labs: 'own' });
    expect(asking.form).toEqual({ pending: false, error: undefined });
    expect(ownLabs(asking)).toBe(false);
    const sent = reduceStudent(asking, { type: 'join-sent' });
    expect(sent.form?.pending).toBe(true);
    // A refusal shows the server's message and hint, and the form stays open to correct the name.
    const refused = reduceStudent(sent, taken);
    expect(refused.form).toEqual({
      pending: false,
      error: {
        message: 'Ce nom est déjà pris dans la classe.',
        hint: 'Ajoutez l’initiale de votre nom, ou un chiffre.',
      },
    });
    expect(reduceStudent(refused, { type: 'join-sent' }).form).toEqual({ pending: true, error: undefined });
    // Accepted: the form goes; the page is a student's once it reconnected (the welcome says so).
    const accepted = run(refused, [{ type: 'join-sent' }, joined]);
    expect(accepted).toMatchObject({ form: undefined, labs: 'own', student: alice });
    expect(ownLabs(accepted)).toBe(false);
    const student = reduceStudent(accepted, welcome('student'));
    expect(ownLabs(student)).toBe(true);
    expect(followsPresenter(student)).toBe(false);
    expect(barLabel(student, false)).toBe('● Votre propre lab');
  });

  it('switches between its own labs and the presenter’s without asking again', () => {
    const student = run(initialStudentModel('own'), [welcome('student')]);
    expect(ownLabs(student)).toBe(true);
    const following = reduceStudent(student, { type: 'choose', labs: 'presenter' });
    expect({ own: ownLabs(following), follows: followsPresenter(following), form: following.form }).toEqual({
      own: false,
      follows: true,
      form: undefined,
    });
    expect(barLabel(following, false)).toBe('● Vous suivez le présentateur');
    expect(barLabel(following, true)).toBe('Navigation libre');
    const back = reduceStudent(following, { type: 'choose', labs: 'own' });
    expect(ownLabs(back)).toBe(true);
    expect(back.form).toBeUndefined();
  });

  it('attaches a student’s panes to their own room or to the presenter’s, and anyone else’s to their own', () => {
    expect(roomFor('student', 'own')).toBeUndefined();
    expect(roomFor('student', 'presenter')).toBe('main');
    expect(roomFor('audience', 'own')).toBeUndefined();
    expect(roomFor('presenter', 'own')).toBeUndefined();
  });

  it('forgets a remembered choice of its own labs when the page is no longer a student’s', () => {
    const back = run(initialStudentModel('own'), [welcome('audience')]);
    expect({ labs: back.labs, own: ownLabs(back), follows: followsPresenter(back) }).toEqual({
      labs: 'presenter',
      own: false,
      follows: true,
    });
  });

  it('cancels the form, but not while the answer is awaited', () => {
    const asking = run(initialStudentModel('presenter'), [welcome('audience'), { type: 'choose', labs: 'own' }]);
    expect(reduceStudent(asking, { type: 'cancel' }).form).toBeUndefined();
    const sent = reduceStudent(asking, { type: 'join-sent' });
    expect(reduceStudent(sent, { type: 'cancel' })).toBe(sent);
    expect(reduceStudent(asking, { type: 'choose', labs: 'presenter' }).form).toBeUndefined();
    // An answer nobody waits for any more changes nothing.
    const cancelled = reduceStudent(asking, { type: 'cancel' });
    expect(reduceStudent(cancelled, joined)).toBe(cancelled);
  });

  it('tells the student the class ended, and goes back to following the presenter', () => {
    const student = run(initialStudentModel('own'), [welcome('student')]);
    const ended = reduceStudent(student, { type: 'class-ended' });
    expect(ended).toMatchObject({ ended: true, labs: 'presenter', student: undefined });
    const audience = reduceStudent(ended, welcome('audience'));
    expect({ follows: followsPresenter(audience), ended: audience.ended, offers: offersOwnLabs(audience) }).toEqual({
      follows: true,
      ended: true,
      offers: true,
    });
    expect(reduceStudent(audience, { type: 'dismiss-ended' }).ended).toBe(false);
  });

  it('never shows the join form to a page that cannot join', () => {
    for (const role of ['presenter', 'student'] as const) {
      const model = run(initialStudentModel('presenter'), [welcome(role), { type: 'choose', labs: 'own' }]);
      expect(model.form).toBeUndefined();
    }
    expect(
      run(initialStudentModel('presenter'), [welcome('audience', false), { type: 'choose', labs: 'own' }]).form,
    ).toBeUndefined();
    // A form open when the page turns student (joined from another tab) closes.
    const open = run(initialStudentModel('presenter'), [welcome('audience'), { type: 'choose', labs: 'own' }]);
    expect(reduceStudent(open, welcome('student')).form).toBeUndefined();
  });
});
