/**
 * Server -> page messages (see messages.ts for the conversation): one schema, from which every type is
 * derived. The page runs it on every text frame (validate.ts).
 */
import { studentIdentity, studentInfo } from './classroom.ts';
import { isErrorCode } from './errors.ts';
import { MAX_SLIDE_INDEX } from './limits.ts';
import {
  array,
  boolean,
  integer,
  nullable,
  object,
  oneOf,
  optional,
  string,
  text,
  union,
  where,
  type Infer,
} from './schema.ts';
import { channel, clientRole, cols, id, labInfo, rows, sessionRole, version } from './wire-fields.ts';

/**
 * - running: the shell is live (after attach, after a restart);
 * - lagging: this viewer fell behind; live output is suspended until it has acked, then a snapshot follows;
 * - restarting: the writer asked for `reset`; a blank snapshot follows, then `running` (or `exited` when
 *   the new shell could not start);
 * - exited: the shell ended (an `exit` message came before); `reset` starts a new one.
 */
const sessionState = oneOf('running', 'lagging', 'restarting', 'exited');
export type SessionState = Infer<typeof sessionState>;

/**
 * Why a `run` was not typed: busy, a program holds the terminal (qemu's console, `virsh console`, a
 * command still running); no-guest, the command is for the VM's console and no VM holds the terminal.
 */
const runRefusal = oneOf('busy', 'no-guest');
export type RunRefusal = Infer<typeof runRefusal>;

/**
 * request: answer to `detach`; slow: a viewer that stayed lagging too long; idle: the session had no
 * input for too long; shutdown: the server is stopping; ended: the session was closed for another reason.
 */
const detachReason = oneOf('request', 'slow', 'idle', 'shutdown', 'ended');
export type DetachReason = Infer<typeof detachReason>;

/**
 * One check's outcome: pass; fail (ran, wrong result: the hint says what to look at); timeout or error
 * (could not say: `message` says why, e.g. the command could not start).
 */
const checkResult = object({
  check: id,
  state: oneOf('pass', 'fail', 'timeout', 'error'),
  hint: optional(text(1, 2000)),
  message: optional(text(1, 2000)),
});
export type CheckResult = Infer<typeof checkResult>;

const errorCode = where(string('code d’erreur connu attendu'), isErrorCode, 'code d’erreur connu attendu');

export const serverMessage = union('type', {
  welcome: {
    version,
    role: clientRole,
    labs: array(labInfo),
    /** The presenter's current slide, when one was shown: a late joiner goes there at once. */
    slide: optional(integer(0, MAX_SLIDE_INDEX)),
    /** A hands-on class: the audience may join (JOIN_PATH) and get labs of their own. */
    handsOn: optional(boolean()),
    /** Who this page is, when its role is student. */
    student: optional(studentIdentity),
  },
  class: { students: array(studentInfo) },
  watched: { channel, watching: boolean() },
  verified: { channel, exercise: id, results: array(checkResult) },
  'class-ended': {},
  slide: { index: integer(0, MAX_SLIDE_INDEX) },
  attached: {
    channel,
    lab: id,
    room: id,
    role: sessionRole,
    /** The session's pty size; a viewer sizes its terminal to it. */
    cols,
    rows,
  },
  snapshot: { channel, data: text(0, Number.MAX_SAFE_INTEGER), cols, rows },
  resized: { channel, cols, rows },
  role: { channel, role: sessionRole },
  status: { channel, state: sessionState },
  'run-refused': {
    channel,
    commandId: id,
    reason: runRefusal,
    /** The terminal's foreground program when busy ("qemu-system-x86_64", "sleep"). */
    program: optional(text(1, 200)),
    /**
     * What holds the terminal and how to get out of it, in French, without capital or final stop (the pane
     * frames it): « la VM tourne dans ce terminal : Ctrl-A X pour quitter qemu ».
     */
    message: text(1, 2000),
  },
  exit: {
    channel,
    code: integer(-1_000_000, 1_000_000),
    /** Signal number that ended the shell, if one did. */
    signal: nullable(integer(0, 128)),
  },
  detached: { channel, reason: detachReason },
  error: {
    /** Present when the error concerns one channel. */
    channel: optional(channel),
    code: errorCode,
    message: text(1, 2000),
    hint: optional(text(1, 2000)),
  },
});

export type ServerMessage = Infer<typeof serverMessage>;
export type ServerMessageType = ServerMessage['type'];

export type WelcomeMessage = Extract<ServerMessage, { type: 'welcome' }>;
/** The presenter moved to remark slide `index` (see SlideMessage). */
export type RoomSlideMessage = Extract<ServerMessage, { type: 'slide' }>;
export type AttachedMessage = Extract<ServerMessage, { type: 'attached' }>;
/**
 * Reset the terminal, size it to cols x rows, then write `data` (xterm SerializeAddon output: the screen,
 * its scrollback and modes, alternate screen included). Sent after `attached`, after a lagging viewer
 * caught up, and after `reset` (then with an empty screen). Its bytes are not acked.
 */
export type SnapshotMessage = Extract<ServerMessage, { type: 'snapshot' }>;
/** The writer resized the pty; in order with the output, so viewers resize at the right moment. */
export type ResizedMessage = Extract<ServerMessage, { type: 'resized' }>;
/** This page's role in the session changed (another presenter page took the writer role). */
export type RoleMessage = Extract<ServerMessage, { type: 'role' }>;
export type StatusMessage = Extract<ServerMessage, { type: 'status' }>;
/** A `run` was not typed; sending it again with `force` types it anyway. */
export type RunRefusedMessage = Extract<ServerMessage, { type: 'run-refused' }>;
export type ExitMessage = Extract<ServerMessage, { type: 'exit' }>;
export type DetachedMessage = Extract<ServerMessage, { type: 'detached' }>;
export type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;
/** The answer to `verify`, every check of the exercise in its lab.json order. */
export type VerifiedMessage = Extract<ServerMessage, { type: 'verified' }>;
/** To presenter pages of a hands-on class, whenever a row changes (at most a few times a second). */
export type ClassMessage = Extract<ServerMessage, { type: 'class' }>;
/** To a student's pane: the presenter started (or stopped) watching this terminal. */
export type WatchedMessage = Extract<ServerMessage, { type: 'watched' }>;
/** To a student's page: the presenter ended the class; their labs are gone, the page is audience again. */
export type ClassEndedMessage = Extract<ServerMessage, { type: 'class-ended' }>;
