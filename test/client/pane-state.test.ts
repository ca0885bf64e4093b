import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/messages.ts';
import type { ConnectionState } from '../../src/client/connection.ts';
import {
  badge,
  canRun,
  DETACH_TEXT,
  exitText,
  initialModel,
  isReadOnly,
  isWriter,
  noticeText,
  readiness,
  reduce,
  RESTARTING_TEXT,
  UNAUTHORIZED_TEXT,
  type PaneEvent,
  type PaneModel,
} from '../../src/client/pane/pane-state.ts';

const server = (message: ServerMessage): PaneEvent => ({ type: 'server', message });
const connection = (state: ConnectionState): PaneEvent => ({ type: 'connection', state });
const attached = (role: 'writer' | 'viewer'): PaneEvent =>
  server({ type: 'attached', channel: 0, lab: 'qemu', room: 'main', role, cols: 80, rows: 24 });
const snapshot = server({ type: 'snapshot', channel: 0, data: '', cols: 80, rows: 24 });
const status = (state: 'running' | 'lagging' | 'restarting' | 'exited'): PaneEvent =>
  server({ type: 'status', channel: 0, state });
const refused = server({
  type: 'run-refused',
  channel: 0,
  commandId: 'ls',
  reason: 'busy',
  program: 'qemu-system-x86_64',
  message: 'la VM tourne dans ce terminal : Ctrl-A X pour quitter qemu',
});

/** Every event a pane can get: each server message kind (with its variants), each connection state, each action. */
const EVENTS: readonly PaneEvent[] = [
  server({ type: 'welcome', version: 1, role: 'presenter', labs: [] }),
  server({ type: 'slide', index: 3 }),
  attached('writer'),
  attached('viewer'),
  snapshot,
  server({ type: 'resized', channel: 0, cols: 100, rows: 30 }),
  server({ type: 'role', channel: 0, role: 'viewer' }),
  server({ type: 'role', channel: 0, role: 'writer' }),
  status('running'),
  status('lagging'),
  status('restarting'),
  status('exited'),
  server({ type: 'exit', channel: 0, code: 7, signal: null }),
  ...(['request', 'slow', 'idle', 'shutdown', 'ended'] as const).map((reason) =>
    server({ type: 'detached', channel: 0, reason }),
  ),
  server({ type: 'error', channel: 0, code: 'LAB_START_FAILED', message: 'Le shell du lab n’a pas pu démarrer.' }),
  server({ type: 'error', channel: 0, code: 'SESSION_NOT_FOUND', message: 'Pas encore ouvert.', hint: 'Attendez.' }),
  refused,
  server({
    type: 'run-refused',
    channel: 0,
    commandId: 'uname',
    reason: 'no-guest',
    message: 'la VM ne tourne pas dans ce terminal',
  }),
  server({ type: 'watched', channel: 0, watching: true }),
  server({ type: 'watched', channel: 0, watching: false }),
  server({ type: 'class', students: [] }),
  server({ type: 'class-ended' }),
  server({
    type: 'error',
    channel: 0,
    code: 'LAB_PREPARING',
    message: 'Préparation de votre lab…',
    hint: 'Quelques secondes.',
  }),
  ...(['connecting', 'live', 'reconnecting', 'offline', 'unauthorized'] as const).map(connection),
  { type: 'replay' },
  { type: 'replay', reason: 'Votre lab personnel n’a pas pu être préparé.' },
  { type: 'retarget' },
  { type: 'go-live' },
  { type: 'reset' },
  { type: 'run', commandId: 'ls' },
  { type: 'dismiss' },
];

const key = (model: PaneModel): string => JSON.stringify(model);

/** Every model the pane can reach from its start, for both modes, by any sequence of events. */
function reachable(): PaneModel[] {
  const seen = new Map<string, PaneModel>();
  const queue = [initialModel('write'), initialModel('view')];
  for (const model of queue) seen.set(key(model), model);
  while (queue.length > 0) {
    const model = queue.shift() as PaneModel;
    for (const event of EVENTS) {
      const next = reduce(model, event);
      if (!seen.has(key(next))) {
        seen.set(key(next), next);
        queue.push(next);
      }
    }
  }
  return [...seen.values()];
}

const STATES = reachable();
const run = (model: PaneModel, events: readonly PaneEvent[]): PaneModel => events.reduce(reduce, model);
/** What the server sends a presenter page once it is connected again: attached, the screen, running. */
const BACK_LIVE: readonly PaneEvent[] = [connection('live'), attached('writer'), snapshot, status('running')];

describe('the pane model', () => {
  it('reaches a bounded set of states (the walk below covers them all)', () => {
    expect(STATES.length).toBeGreaterThan(50);
    expect(STATES.length).toBeLessThan(5000);
  });

  it('leaves no state a dead end: going live again always ends with a clean live pane', () => {
    for (const state of STATES) {
      const back = run(state, [...(state.replaying ? [{ type: 'go-live' } as const] : []), ...BACK_LIVE]);
      expect(
        { message: back.message, badge: badge(back), readOnly: isReadOnly(back), notice: back.notice },
        key(state),
      ).toEqual({
        message: undefined,
        badge: 'live',
        readOnly: false,
        notice: undefined,
      });
      expect(canRun(back)).toBe(state.mode === 'write');
    }
  });

  it('shows the restart banner exactly while a restart is under way, and ends it with the blank screen or `running`', () => {
    for (const state of STATES) {
      if (state.message === RESTARTING_TEXT) expect(state.session, key(state)).toBe('restarting');
      if (state.replaying) continue;
      const restarting = reduce(state, status('restarting'));
      expect(restarting.message).toBe(RESTARTING_TEXT);
      expect(restarting.notice).toBeUndefined();
      // The server sends the blank snapshot, then `running`: either one ends the banner.
      expect(reduce(restarting, snapshot).message).toBeUndefined();
      expect(reduce(restarting, status('running')).message).toBeUndefined();
      expect(run(restarting, [snapshot, status('running')])).toMatchObject({ session: 'running', message: undefined });
      // A new shell that did not start: the banner gives way to why.
      expect(run(restarting, [snapshot, status('exited')]).message).toBe(exitText(undefined, state.role));
    }
  });

  it('gives every (state, event) pair the badge, banner and read-only state it must have', () => {
    // Plain comparisons, reported together: some 50 000 pairs, each with several checks.
    const problems: string[] = [];
    const events = EVENTS.map((event) => [event, JSON.stringify(event)] as const);
    const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
    for (const state of STATES) {
      for (const [event, shown] of events) {
        const next = reduce(state, event);
        const check = (ok: boolean, what: string): void => {
          if (!ok) problems.push(`${what}: ${key(state)} + ${shown} -> ${key(next)}`);
        };
        // The badge depends on the replay, the connection and the role only.
        const expectedBadge = next.replaying
          ? 'replay'
          : next.connection === 'live'
            ? next.role === 'viewer'
              ? 'viewer'
              : 'live'
            : next.connection === 'unauthorized'
              ? 'offline'
              : next.connection;
        check(badge(next) === expectedBadge, 'badge');
        check(isReadOnly(next) === (next.replaying || next.role !== 'writer'), 'read-only');
        // Only the writer, live, sees a ▶ notice; nobody else can act on it.
        check(next.notice === undefined || isWriter(next), 'notice without writer');
        check(next.message !== RESTARTING_TEXT || next.session === 'restarting', 'restart banner outside a restart');
        if (event.type === 'server' && state.replaying) check(next === state, 'server message during replay');
        if (event.type === 'server' && !state.replaying) {
          const message = event.message;
          if (message.type === 'attached')
            check(
              next.attached && next.role === message.role && next.message === undefined && next.notice === undefined,
              'attached',
            );
          if (message.type === 'detached')
            check(!next.attached && next.message === (DETACH_TEXT[message.reason] ?? 'Détaché du lab.'), 'detached');
          if (message.type === 'exit') check(next.message === exitText(message.code, state.role), 'exit');
          if (message.type === 'error')
            check(next.message === (message.hint ? `${message.message}\n${message.hint}` : message.message), 'error');
          if (message.type === 'run-refused') {
            check(
              same(
                next.notice,
                isWriter(state) ? { commandId: message.commandId, text: noticeText(message.message) } : state.notice,
              ),
              'run-refused',
            );
          }
          if (message.type === 'status' && message.state === 'running')
            check(next.message === undefined && next.session === 'running', 'running');
          if (message.type === 'status' && message.state === 'restarting')
            check(next.message === RESTARTING_TEXT, 'restarting');
          if (
            ['welcome', 'slide', 'resized', 'class', 'class-ended'].includes(message.type) ||
            (message.type === 'status' && message.state === 'lagging')
          ) {
            check(next === state, 'no change');
          }
          if (message.type === 'watched') check(next.watched === (message.watching && state.attached), 'watched');
          if (message.type === 'attached' || message.type === 'detached')
            check(!next.watched, 'watched outlives its attachment');
        }
        // Only an attached pane (not a replay) is watched; only a replay has a reason to replay.
        check(!next.watched || (next.attached && !next.replaying), 'watched while not attached');
        check(next.replayReason === undefined || next.replaying, 'replay reason without replay');
        if (event.type === 'retarget' && !state.replaying) {
          check(
            !next.attached &&
              next.role === undefined &&
              !next.watched &&
              next.message === undefined &&
              next.notice === undefined,
            'retarget',
          );
        }
        if (event.type === 'replay') check(next.replayReason === event.reason, 'replay reason');
        if (event.type === 'connection') {
          check(next.connection === event.state, 'connection');
          if (event.state !== 'live')
            check(!next.attached && !next.watched && next.notice === undefined, 'connection lost');
          if (event.state === 'unauthorized') check(next.message === UNAUTHORIZED_TEXT, 'unauthorized');
        }
        if (event.type === 'replay')
          check(
            next.replaying && next.role === undefined && !next.watched && !next.attached && next.notice === undefined,
            'replay',
          );
        if (event.type === 'run' || event.type === 'dismiss') check(next.notice === undefined, 'notice kept');
        if (event.type === 'reset')
          check(same(next, isWriter(state) ? { ...state, message: undefined, notice: undefined } : state), 'reset');
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('tells the writer why a ▶ was not typed, until it runs again or closes the notice', () => {
    const live = run(initialModel('write'), [connection('live'), attached('writer'), snapshot]);
    const told = reduce(live, refused);
    expect(told.notice).toEqual({
      commandId: 'ls',
      text: 'Commande non tapée : la VM tourne dans ce terminal : Ctrl-A X pour quitter qemu.',
    });
    expect(reduce(told, { type: 'run', commandId: 'ls' }).notice).toBeUndefined();
    expect(reduce(told, { type: 'dismiss' }).notice).toBeUndefined();
    expect(reduce(told, server({ type: 'role', channel: 0, role: 'viewer' })).notice).toBeUndefined();
    // A viewer is never offered to send anything.
    expect(reduce(run(initialModel('view'), [connection('live'), attached('viewer')]), refused).notice).toBeUndefined();
  });

  it('follows a ↺ from the click to a live prompt: banner on restarting, gone with the blank screen', () => {
    const live = run(initialModel('write'), [connection('live'), attached('writer'), snapshot, status('running')]);
    const steps = [{ type: 'reset' } as const, status('restarting'), snapshot, status('running')];
    const seen = steps.map((_, i) => run(live, steps.slice(0, i + 1)).message);
    expect(seen).toEqual([undefined, RESTARTING_TEXT, undefined, undefined]);
    expect(badge(run(live, steps))).toBe('live');
  });

  it('shows that the presenter watches a student’s terminal, until told otherwise or the pane leaves', () => {
    const live = run(initialModel('write'), [connection('live'), attached('writer'), snapshot]);
    const watched = reduce(live, server({ type: 'watched', channel: 0, watching: true }));
    expect(watched.watched).toBe(true);
    expect(reduce(watched, server({ type: 'watched', channel: 0, watching: false })).watched).toBe(false);
    expect(reduce(watched, connection('reconnecting')).watched).toBe(false);
    expect(reduce(watched, { type: 'retarget' }).watched).toBe(false);
    // Watching changes nothing else: the student keeps typing.
    expect({ ...watched, watched: false }).toEqual(live);
    expect(isWriter(watched)).toBe(true);
  });

  it('moves a student’s pane to another room: no writer until the new session says so', () => {
    const own = run(initialModel('write'), [connection('live'), attached('writer'), snapshot, refused]);
    const moving = reduce(own, { type: 'retarget' });
    expect(moving).toMatchObject({ attached: false, role: undefined, notice: undefined, message: undefined });
    expect(canRun(moving)).toBe(false);
    const presenter = run(moving, [attached('viewer'), snapshot]);
    expect({ badge: badge(presenter), readOnly: isReadOnly(presenter), canRun: canRun(presenter) }).toEqual({
      badge: 'viewer',
      readOnly: true,
      canRun: false,
    });
    // A pane replaying for want of a server is not moved by a choice of room.
    const replaying = reduce(own, { type: 'replay' });
    expect(reduce(replaying, { type: 'retarget' })).toBe(replaying);
  });

  it('says why a student’s lab replays, and forgets it when going live', () => {
    const preparing = run(initialModel('write'), [
      connection('live'),
      server({
        type: 'error',
        channel: 0,
        code: 'LAB_PREPARING',
        message: 'Préparation de votre lab…',
        hint: 'Quelques secondes.',
      }),
    ]);
    expect(preparing.message).toBe('Préparation de votre lab…\nQuelques secondes.');
    const failed = reduce(preparing, { type: 'replay', reason: 'Votre lab personnel n’a pas pu être préparé.' });
    expect(failed).toMatchObject({
      replaying: true,
      replayReason: 'Votre lab personnel n’a pas pu être préparé.',
      message: undefined,
    });
    expect(badge(failed)).toBe('replay');
    expect(reduce(failed, { type: 'go-live' }).replayReason).toBeUndefined();
  });

  it('lets « Vérifier » run only in a session attached as its writer: the badge is live before that', () => {
    const live = run(initialModel('write'), [connection('live')]);
    expect({ badge: badge(live), readiness: readiness(live) }).toEqual({ badge: 'live', readiness: 'preparing' });
    const writer = reduce(live, attached('writer'));
    expect(readiness(writer)).toBe('ready');
    expect(readiness(reduce(writer, server({ type: 'detached', channel: 0, reason: 'slow' })))).toBe('preparing');
    expect(readiness(reduce(writer, connection('reconnecting')))).toBe('preparing');
    expect(readiness(reduce(writer, { type: 'replay' }))).toBe('none');
    expect(readiness(reduce(live, attached('viewer')))).toBe('read-only');
    expect(readiness(run(initialModel('view'), [connection('live'), attached('writer')]))).toBe('read-only');
    // Over every reachable state: ready exactly when this page writes to an attached, live session.
    for (const model of STATES)
      expect(readiness(model) === 'ready', key(model)).toBe(
        model.attached && isWriter(model) && model.mode === 'write' && !model.replaying,
      );
  });
});
