/**
 * What a lab pane shows, as a pure function of what happened: the server's messages, the connection's
 * state, the replay starting or ending, and the person's actions (↺, ▶). lab-channel.ts feeds every
 * event through reduce() and renders the model (badge, banner, read-only, the ▶ notice); it keeps the
 * I/O (sockets, the terminal's bytes) to itself. Being pure, every transition is tested, so a state the
 * server can put the pane in and that the pane never leaves (a banner stuck after ↺) cannot come back.
 */
import type { ServerMessage, SessionRole } from '../../protocol/messages.ts';
import type { ConnectionState } from '../connection.ts';
import type { PaneState } from './lab-pane.ts';

/** Where the lab's shell is, as far as this page knows. */
export type SessionPhase = 'none' | 'running' | 'restarting' | 'exited';

/** A ▶ the server did not type: why, and the offer to send it anyway. */
export interface RunNotice {
  readonly commandId: string;
  readonly text: string;
}

export interface PaneModel {
  /** 'view' in remark's cloned window: it never writes, whatever the server grants. */
  readonly mode: 'write' | 'view';
  readonly connection: ConnectionState;
  readonly replaying: boolean;
  readonly attached: boolean;
  readonly role: SessionRole | undefined;
  readonly session: SessionPhase;
  /** The banner over the terminal (French), or none. */
  readonly message: string | undefined;
  readonly notice: RunNotice | undefined;
  /** The presenter is watching this terminal (a student's own lab, hands-on class). */
  readonly watched: boolean;
  /** Why this pane replays instead of showing a live lab (a student's lab that could not be made), or none. */
  readonly replayReason: string | undefined;
}

export type PaneEvent =
  | { readonly type: 'server'; readonly message: ServerMessage }
  | { readonly type: 'connection'; readonly state: ConnectionState }
  /**
   * No lab server, or (with `reason`) a student's own lab that cannot be made: the pane replays the demo's
   * recording (which shows its own messages) and says why.
   */
  | { readonly type: 'replay'; readonly reason?: string }
  /** The pane leaves its session for another room (a student switching between their lab and the presenter's). */
  | { readonly type: 'retarget' }
  /** The person left the recording for the live session. */
  | { readonly type: 'go-live' }
  /** ↺ pressed. */
  | { readonly type: 'reset' }
  /** ▶ pressed (or « Envoyer quand même »). */
  | { readonly type: 'run'; readonly commandId: string }
  /** The ▶ notice closed. */
  | { readonly type: 'dismiss' };

export const RESTARTING_TEXT = 'Redémarrage du lab…';
export const UNAUTHORIZED_TEXT =
  'Terminal non connecté : ouvrez l’adresse complète (avec ?token=…) affichée par « npm start ».';
export const DETACH_TEXT: Readonly<Record<string, string>> = {
  slow: 'Ce terminal a pris trop de retard : reconnexion…',
  idle: 'Session du lab fermée après une longue inactivité. Cliquez « Redémarrer » pour un nouveau shell.',
  ended: 'Session du lab terminée.',
  shutdown: 'Le serveur de labs s’arrête.',
};
const DETACHED_TEXT = 'Détaché du lab.';

export function initialModel(mode: 'write' | 'view'): PaneModel {
  return {
    mode,
    connection: 'connecting',
    replaying: false,
    attached: false,
    role: undefined,
    session: 'none',
    message: undefined,
    notice: undefined,
    watched: false,
    replayReason: undefined,
  };
}

/** Errors about a student's own lab after which the pane replays the demo instead (and says why). */
const REPLAY_INSTEAD: ReadonlySet<string> = new Set(['LAB_PROVISION_FAILED', 'LAB_NOT_READY', 'LAB_TOOL_MISSING']);

/** Whether an error answering the attach of a student's own lab means: replay the recording. */
export function replaysInstead(message: ServerMessage): boolean {
  return message.type === 'error' && REPLAY_INSTEAD.has(message.code);
}

/** The error as the pane shows it: its message, and on the next line what to do. */
export function errorText(message: { readonly message: string; readonly hint?: string }): string {
  return message.hint ? `${message.message}\n${message.hint}` : message.message;
}

/** The shell ended; its exit code when the `exit` message gave it. */
export function exitText(code: number | undefined, role: SessionRole | undefined): string {
  const status = code === undefined ? '' : ` (code ${code})`;
  return `Le shell du lab s’est terminé${status}.${role === 'writer' ? ' « Redémarrer » en ouvre un neuf.' : ''}`;
}

/** What the pane says when the server did not type a ▶ (its text has no capital nor final stop). */
export function noticeText(message: string): string {
  return `Commande non tapée : ${message}.`;
}

export function reduce(model: PaneModel, event: PaneEvent): PaneModel {
  switch (event.type) {
    case 'server':
      // A replaying pane closed its channel: a message still on the wire is about the session it left.
      return model.replaying ? model : received(model, event.message);
    case 'connection': {
      const live = event.state === 'live';
      const next: PaneModel = {
        ...model,
        connection: event.state,
        attached: live && model.attached,
        notice: live ? model.notice : undefined,
        watched: live && model.watched,
      };
      if (event.state === 'unauthorized') return { ...next, message: UNAUTHORIZED_TEXT };
      if (live && model.role === undefined && !model.replaying) return { ...next, message: undefined };
      return next;
    }
    case 'replay':
      if (model.replaying)
        return model.replayReason === event.reason ? model : { ...model, replayReason: event.reason };
      return {
        ...model,
        replaying: true,
        attached: false,
        role: undefined,
        session: 'none',
        message: undefined,
        notice: undefined,
        watched: false,
        replayReason: event.reason,
      };
    case 'go-live':
      return model.replaying ? { ...model, replaying: false, message: undefined, replayReason: undefined } : model;
    case 'retarget':
      if (model.replaying) return model;
      return {
        ...model,
        attached: false,
        role: undefined,
        session: 'none',
        message: undefined,
        notice: undefined,
        watched: false,
      };
    case 'reset':
      return isWriter(model) ? { ...model, message: undefined, notice: undefined } : model;
    case 'run':
    case 'dismiss':
      return model.notice === undefined ? model : { ...model, notice: undefined };
  }
}

function received(model: PaneModel, message: ServerMessage): PaneModel {
  switch (message.type) {
    case 'attached':
      // A new attachment: whoever watched the old one is told again by the server if they still watch.
      return {
        ...model,
        attached: true,
        role: message.role,
        session: 'running',
        message: undefined,
        notice: undefined,
        watched: false,
      };
    case 'snapshot':
      // The blank screen of a restart is its end too: the banner must not outlive it, whatever follows.
      return model.session === 'restarting'
        ? { ...model, session: 'running', message: clearRestart(model.message) }
        : model;
    case 'role':
      return { ...model, role: message.role, notice: message.role === 'writer' ? model.notice : undefined };
    case 'status':
      if (message.state === 'restarting')
        return { ...model, session: 'restarting', message: RESTARTING_TEXT, notice: undefined };
      if (message.state === 'running') return { ...model, session: 'running', message: undefined };
      // A restart whose shell did not start: its error (if any) stays, the restart banner goes.
      if (message.state === 'exited')
        return {
          ...model,
          session: 'exited',
          message:
            model.message === RESTARTING_TEXT || model.message === undefined
              ? exitText(undefined, model.role)
              : model.message,
        };
      return model;
    case 'exit':
      return { ...model, session: 'exited', message: exitText(message.code, model.role), notice: undefined };
    case 'detached':
      return {
        ...model,
        attached: false,
        session: 'none',
        message: DETACH_TEXT[message.reason] ?? DETACHED_TEXT,
        notice: undefined,
        watched: false,
      };
    case 'error':
      return { ...model, message: errorText(message) };
    case 'watched': {
      // Only an attached pane is watched: a late message about a session it left says nothing.
      const watched = message.watching && model.attached;
      return model.watched === watched ? model : { ...model, watched };
    }
    case 'run-refused':
      return isWriter(model)
        ? { ...model, notice: { commandId: message.commandId, text: noticeText(message.message) } }
        : model;
    case 'welcome':
    case 'slide':
    case 'resized':
    case 'class':
    case 'class-ended':
    case 'verified':
      // Not about the pane: the class panel, the follow bar and the exercise's own view show these.
      return model;
  }
}

function clearRestart(message: string | undefined): string | undefined {
  return message === RESTARTING_TEXT ? undefined : message;
}

// ---------- what the DOM shows, derived ----------

export function isWriter(model: PaneModel): boolean {
  return model.role === 'writer' && model.connection === 'live' && !model.replaying;
}

/** Run controls are shown only where a click would run: the writer (not the projector's clone), or a replay. */
export function canRun(model: PaneModel): boolean {
  return model.replaying || (model.mode === 'write' && isWriter(model));
}

/**
 * Whether « Vérifier » can run its checks in this pane's session: only once attached as its writer (the
 * checks run in that session's sandbox), never in a replay. The exercise's control is disabled and says
 * why otherwise; the pane's badge says « en direct » as soon as the socket is, before the attach answers.
 */
export type LabReadiness = 'ready' | 'preparing' | 'read-only' | 'none';

export function readiness(model: PaneModel): LabReadiness {
  if (model.replaying) return 'none';
  if (model.mode === 'view' || model.role === 'viewer') return 'read-only';
  return isWriter(model) && model.attached ? 'ready' : 'preparing';
}

export function isReadOnly(model: PaneModel): boolean {
  return model.replaying || model.role !== 'writer';
}

export function badge(model: PaneModel): PaneState {
  if (model.replaying) return 'replay';
  switch (model.connection) {
    case 'live':
      return model.role === 'viewer' ? 'viewer' : 'live';
    case 'unauthorized':
      return 'offline';
    default:
      return model.connection;
  }
}
