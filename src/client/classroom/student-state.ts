/**
 * The audience's side of a hands-on class, as a pure function of what happened: the welcome (role,
 * hands-on, who the page is), the person choosing whose labs their panes show, the join form and its
 * answer, and the class ending. follow.ts renders it (the follow bar, the form, the notice) and does the
 * I/O (POST /api/join, reconnecting, re-attaching the panes); this module decides nothing by itself.
 */
import type { JoinAnswer, StudentIdentity } from '../../protocol/classroom.ts';
import { DEFAULT_ROOM } from '../../protocol/limits.ts';
import type { ClientRole } from '../../protocol/messages.ts';

/** Whose labs the panes show: the presenter's (read-only) or the student's own. */
export type LabsChoice = 'presenter' | 'own';

export interface JoinError {
  readonly message: string;
  readonly hint?: string;
}

/** The join form while open: waiting for the server's answer, and the last refusal to show. */
export interface JoinForm {
  readonly pending: boolean;
  readonly error: JoinError | undefined;
}

export interface StudentModel {
  readonly role: ClientRole | undefined;
  readonly handsOn: boolean;
  readonly student: StudentIdentity | undefined;
  readonly labs: LabsChoice;
  readonly form: JoinForm | undefined;
  /** The class ended: the notice stays until the person closes it. */
  readonly ended: boolean;
}

export type StudentEvent =
  | {
      readonly type: 'welcome';
      readonly role: ClientRole;
      readonly handsOn: boolean;
      readonly student: StudentIdentity | undefined;
    }
  | { readonly type: 'choose'; readonly labs: LabsChoice }
  | { readonly type: 'join-sent' }
  | { readonly type: 'join-answer'; readonly answer: JoinAnswer }
  | { readonly type: 'cancel' }
  | { readonly type: 'class-ended' }
  | { readonly type: 'dismiss-ended' };

/** `saved`: the choice remembered from before a reload; it holds only if the page is still a student's. */
export function initialStudentModel(saved: LabsChoice): StudentModel {
  return { role: undefined, handsOn: false, student: undefined, labs: saved, form: undefined, ended: false };
}

export function reduceStudent(model: StudentModel, event: StudentEvent): StudentModel {
  switch (event.type) {
    case 'welcome': {
      const student = event.role === 'student' ? event.student : undefined;
      // A page that is no longer a student's (class ended while it was away) shows the presenter's labs.
      const labs = event.role === 'student' ? model.labs : 'presenter';
      const form = event.handsOn && event.role === 'audience' ? model.form : undefined;
      return { ...model, role: event.role, handsOn: event.handsOn, student, labs, form };
    }
    case 'choose':
      if (event.labs === 'presenter') return { ...model, labs: 'presenter', form: undefined };
      if (model.role === 'student') return { ...model, labs: 'own', form: undefined };
      if (model.handsOn && model.role === 'audience')
        return model.form ? model : { ...model, form: { pending: false, error: undefined } };
      return model;
    case 'join-sent':
      return model.form ? { ...model, form: { pending: true, error: undefined } } : model;
    case 'join-answer': {
      if (!model.form) return model;
      const answer = event.answer;
      if (answer.ok) return { ...model, form: undefined, labs: 'own', student: answer.student, ended: false };
      const error: JoinError =
        answer.hint === undefined ? { message: answer.message } : { message: answer.message, hint: answer.hint };
      return { ...model, form: { pending: false, error } };
    }
    case 'cancel':
      return model.form && !model.form.pending ? { ...model, form: undefined } : model;
    case 'class-ended':
      return { ...model, labs: 'presenter', student: undefined, form: undefined, ended: true };
    case 'dismiss-ended':
      return model.ended ? { ...model, ended: false } : model;
  }
}

// ---------- derived ----------

/**
 * The room a pane attaches to, from the page's role as the server decided it (read at each attach, before
 * the welcome reaches the model) and the choice: a student's own (undefined) or the presenter's.
 */
export function roomFor(role: ClientRole | undefined, labs: LabsChoice): string | undefined {
  return role === 'student' && labs === 'presenter' ? DEFAULT_ROOM : undefined;
}

/** The panes show the student's own labs (writer, ▶ buttons). */
export function ownLabs(model: StudentModel): boolean {
  return model.role === 'student' && model.labs === 'own';
}

/** The page follows the presenter's slides (or may browse, and catch up): anyone but a student in their own labs. */
export function followsPresenter(model: StudentModel): boolean {
  return model.role === 'audience' || (model.role === 'student' && model.labs === 'presenter');
}

/** The choice between the presenter's labs and one's own is offered. */
export function offersOwnLabs(model: StudentModel): boolean {
  return model.handsOn && (model.role === 'audience' || model.role === 'student');
}

/** What the bar says the panes show, and to whom it belongs. */
export function barLabel(model: StudentModel, browsing: boolean): string {
  if (ownLabs(model)) return '● Votre propre lab';
  return browsing ? 'Navigation libre' : '● Vous suivez le présentateur';
}
