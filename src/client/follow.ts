/**
 * The classroom: the presenter's page tells the server which slide it shows; an audience page follows
 * it, slide and step. A student may browse away (any move of their own switches to "browse freely"),
 * then catch up in one click, which follows again. remark's cloned window (the projector) follows its
 * own presenter page already and says nothing to the room.
 *
 * In a hands-on class the bar also offers « Mon propre lab »: the first time, a name is asked and the
 * page joins the class (then reconnects: the server gives the role when the WebSocket opens); from then
 * on the panes show the student's own labs, and the slides no longer follow the presenter until they
 * choose « Suivre le présentateur » again. A student's page tells the server its slide, for the
 * presenter's class panel.
 */
import { FollowBar, type FollowMode } from './classroom/follow-bar.ts';
import { joinClass } from './classroom/join.ts';
import { saveLabsChoice, savedLabsChoice } from './classroom/labs-choice.ts';
import {
  followsPresenter,
  initialStudentModel,
  offersOwnLabs,
  ownLabs,
  reduceStudent,
  roomFor,
  type StudentEvent,
} from './classroom/student-state.ts';
import { DisposableStore, toDisposable, type IDisposable } from '../protocol/lifecycle.ts';
import type { LabConnection } from './connection.ts';
import type { Slideshow } from './remark.ts';

/** Disposing it stops following: the connection's callbacks and state listener are let go. */
export interface Following extends IDisposable {
  /** The room a lab pane attaches to now (undefined: the page's own). */
  room(): string | undefined;
}

/**
 * `retarget` re-attaches every pane where room() now says: called when a student switches between their
 * own labs and the presenter's (a page that changes role reconnects instead, which attaches them anew).
 */
export function startFollowing(
  slideshow: Slideshow,
  connection: LabConnection,
  isClone: boolean,
  retarget: () => void,
): Following {
  let presenterIndex: number | undefined;
  let mode: FollowMode = 'follow';
  let moving = false;
  let bar: FollowBar | undefined;
  let student = initialStudentModel(savedLabsChoice());
  const store = new DisposableStore();
  const listens = (): boolean => !isClone && (connection.role === 'audience' || connection.role === 'student');

  const go = (index: number): void => {
    if (index === slideshow.getCurrentSlideIndex() || index >= slideshow.getSlideCount()) return;
    moving = true;
    try {
      slideshow.gotoSlide(index + 1);
    } finally {
      moving = false;
    }
  };
  const render = (): void => {
    if (!bar && listens() && (presenterIndex !== undefined || offersOwnLabs(student) || student.ended))
      bar = new FollowBar(actions);
    bar?.render(student, mode);
  };
  const setMode = (next: FollowMode): void => {
    mode = next;
    if (mode === 'follow' && presenterIndex !== undefined && followsPresenter(student)) go(presenterIndex);
    render();
  };
  const dispatch = (event: StudentEvent): void => {
    const before = student;
    student = reduceStudent(before, event);
    if (student === before) return;
    if (student.labs !== before.labs) saveLabsChoice(student.labs);
    // Same role, other labs: the panes move. A role that changes came with a new connection, which attached them already.
    if (event.type === 'choose' && ownLabs(student) !== ownLabs(before)) retarget();
    if (followsPresenter(student) && !followsPresenter(before)) setMode('follow');
    else render();
  };
  const join = async (name: string): Promise<void> => {
    if (student.form?.pending) return;
    dispatch({ type: 'join-sent' });
    const answer = await joinClass(name);
    dispatch({ type: 'join-answer', answer });
    if (answer.ok) connection.reconnect();
  };
  const actions = {
    toggleFollow: () => setMode(mode === 'follow' ? 'browse' : 'follow'),
    choose: (labs: 'presenter' | 'own') => dispatch({ type: 'choose', labs }),
    join: (name: string) => void join(name),
    cancel: () => dispatch({ type: 'cancel' }),
    dismissEnded: () => dispatch({ type: 'dismiss-ended' }),
  };

  const onRoomSlide = (index: number): void => {
    presenterIndex = index;
    if (!listens()) return;
    if (mode === 'follow' && followsPresenter(student)) go(index);
    render();
  };
  const onClassEnded = (): void => {
    dispatch({ type: 'class-ended' });
    // The student cookie is no longer valid: a new connection makes the page audience again.
    connection.reconnect();
  };
  connection.onRoomSlide = onRoomSlide;
  connection.onClassEnded = onClassEnded;
  store.add(
    toDisposable(() => {
      if (connection.onRoomSlide === onRoomSlide) connection.onRoomSlide = undefined;
      if (connection.onClassEnded === onClassEnded) connection.onClassEnded = undefined;
    }),
  );

  // remark's Slideshow has no way to remove a listener: this one stays, and does nothing once disposed.
  slideshow.on('afterShowSlide', (slide) => {
    const index = slide.getSlideIndex();
    if (isClone || store.isDisposed) return;
    if (connection.role === 'presenter' || connection.role === 'student') connection.send({ type: 'slide', index });
    if (listens() && followsPresenter(student) && !moving && mode === 'follow' && index !== presenterIndex)
      setMode('browse');
  });
  // A presenter page (re)joining tells the room where it is; a student's, the presenter's class panel.
  store.add(
    connection.onState((state) => {
      if (state !== 'live' || isClone) return;
      if (connection.role === 'presenter' || connection.role === 'student') {
        connection.send({ type: 'slide', index: slideshow.getCurrentSlideIndex() });
      }
      if (connection.role)
        dispatch({ type: 'welcome', role: connection.role, handsOn: connection.handsOn, student: connection.student });
      render();
    }),
  );
  return { room: () => roomFor(connection.role, student.labs), dispose: () => store.dispose() };
}
