/**
 * The lab WebSocket's wire contract: one WebSocket per page at path `/ws`, multiplexing several lab
 * sessions by a `channel` number (0-255) the page chooses in `attach`.
 *
 * - Text frames carry one JSON object, a ClientMessage or a ServerMessage (unions on `type`).
 * - Binary frames (server -> page only) carry raw pty output: see frame.ts.
 * - Only validate.ts turns a frame into one of these types.
 *
 * Conversation:
 *   page: hello {version}                     server: welcome {version, role, labs}  (or error + close)
 *   page: attach {channel, lab, cols, rows}   server: attached, then snapshot, then live binary output
 *   page: input / resize / run / reset        (writer only; a viewer's input is dropped server-side)
 *   page: run {commandId} while a program holds the terminal   server: run-refused (page: run {force})
 *   page: ack {channel, bytes}                after writing each ACK_SIZE bytes of output into xterm.js
 *   page: detach {channel}                    server: detached {channel, reason: 'request'}
 *   page: slide {index}                       presenter: every other page of the room gets slide {index};
 *                                             student: where they are, for the presenter's class panel
 *   (hands-on) server -> presenter: class {students}; -> student: watched {channel}, class-ended
 *   page: verify {channel, exercise}          server: verified {channel, exercise, results} (lab-exercise.ts)
 *   page: end-class                           (presenter only) the class ends
 */
import type { StudentIdentity, StudentInfo } from './classroom.ts';
import type { ErrorCode } from './errors.ts';

/**
 * A page served by the lab server carries `<meta name="LAB_SERVER_META">` (added when index.html is
 * served): only such a page looks for /api/status and /ws. A static copy of the deck makes no request
 * that can only fail.
 */
export const LAB_SERVER_META = 'cours-lab-server';

/**
 * What the page's cookie grants: the presenter drives the shared labs, the audience only watches them,
 * a student (hands-on class, classroom.ts) drives their own labs and watches the presenter's.
 */
export type ClientRole = 'presenter' | 'audience' | 'student';
/** What a page is in one session: one writer at most, any number of viewers. */
export type SessionRole = 'writer' | 'viewer';

export interface LabInfo {
  readonly id: string;
  readonly title: string;
  readonly ready: boolean;
  /** Why the lab is not ready, in French, with what to do ("qemu-img manquant : lancez npm run setup"). */
  readonly reason?: string;
  /** Ids accepted by `run` for this lab. */
  readonly commands: readonly string[];
  /** Ids accepted by `verify` (lab.json `exercises`). */
  readonly exercises?: readonly string[];
}

// ---------- page -> server ----------

export interface HelloMessage {
  readonly type: 'hello';
  readonly version: number;
}

export interface AttachMessage {
  readonly type: 'attach';
  readonly channel: number;
  readonly lab: string;
  readonly cols: number;
  readonly rows: number;
  /**
   * Sessions are per (room, lab). Absent: the page's own room (DEFAULT_ROOM, or a student's own room).
   * A student may name DEFAULT_ROOM (to watch the presenter); a presenter may name a student's room
   * (to watch it, read-only). Any other room is refused.
   */
  readonly room?: string;
  /**
   * 'write' (default): a presenter takes the writer role (the previous writer, e.g. the page before a
   * reload, becomes a viewer and gets `role`). 'view': watch only (remark's cloned projector window).
   * The audience is always a viewer, whatever it asks.
   */
  readonly mode?: 'write' | 'view';
}

export interface InputMessage {
  readonly type: 'input';
  readonly channel: number;
  /** What xterm.js's onData gave (UTF-8 text), or with `binary`, onBinary's string of chars 0-255. */
  readonly data: string;
  readonly binary?: boolean;
}

export interface ResizeMessage {
  readonly type: 'resize';
  readonly channel: number;
  readonly cols: number;
  readonly rows: number;
}

export interface AckMessage {
  readonly type: 'ack';
  readonly channel: number;
  /** Payload bytes of binary frames written into the terminal since the previous ack. */
  readonly bytes: number;
}

export interface RunMessage {
  readonly type: 'run';
  readonly channel: number;
  /** A key of the lab's `commands`: the server types that text and Enter; the page never sends it. */
  readonly commandId: string;
  /** Type it even though a program holds the terminal (the person saw `run-refused` and insisted). */
  readonly force?: boolean;
}

export interface DetachMessage {
  readonly type: 'detach';
  readonly channel: number;
}

export interface ResetMessage {
  readonly type: 'reset';
  readonly channel: number;
}

/**
 * The presenter's page shows remark slide `index` (0-based, each incremental step counts): the audience
 * follows it. Refused from the audience (it follows, it never drives).
 */
export interface SlideMessage {
  readonly type: 'slide';
  readonly index: number;
}

/**
 * « Vérifier » on an exercise slide: the server runs the exercise's checks (lab.json) in the sandbox of the
 * session on this channel (the student's own, or the presenter's) and answers `verified`. Writer only.
 */
export interface VerifyMessage {
  readonly type: 'verify';
  readonly channel: number;
  readonly exercise: string;
}

/** Presenter only: ends the hands-on class (every student's labs, files and cloud project are removed). */
export interface EndClassMessage {
  readonly type: 'end-class';
}

export type ClientMessage =
  | HelloMessage
  | AttachMessage
  | InputMessage
  | ResizeMessage
  | AckMessage
  | RunMessage
  | DetachMessage
  | ResetMessage
  | SlideMessage
  | VerifyMessage
  | EndClassMessage;

export type ClientMessageType = ClientMessage['type'];

// ---------- server -> page ----------

export interface WelcomeMessage {
  readonly type: 'welcome';
  readonly version: number;
  readonly role: ClientRole;
  readonly labs: readonly LabInfo[];
  /** The presenter's current slide, when one was shown: a late joiner goes there at once. */
  readonly slide?: number;
  /** A hands-on class: the audience may join (JOIN_PATH) and get labs of their own. */
  readonly handsOn?: boolean;
  /** Who this page is, when its role is student. */
  readonly student?: StudentIdentity;
}

/** The presenter moved to remark slide `index` (see SlideMessage). */
export interface RoomSlideMessage {
  readonly type: 'slide';
  readonly index: number;
}

export interface AttachedMessage {
  readonly type: 'attached';
  readonly channel: number;
  readonly lab: string;
  readonly room: string;
  readonly role: SessionRole;
  /** The session's pty size; a viewer sizes its terminal to it. */
  readonly cols: number;
  readonly rows: number;
}

/**
 * Reset the terminal, size it to cols x rows, then write `data` (xterm SerializeAddon output: the screen,
 * its scrollback and modes, alternate screen included). Sent after `attached`, after a lagging viewer
 * caught up, and after `reset` (then with an empty screen). Its bytes are not acked.
 */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly channel: number;
  readonly data: string;
  readonly cols: number;
  readonly rows: number;
}

/** The writer resized the pty; in order with the output, so viewers resize at the right moment. */
export interface ResizedMessage {
  readonly type: 'resized';
  readonly channel: number;
  readonly cols: number;
  readonly rows: number;
}

/** This page's role in the session changed (another presenter page took the writer role). */
export interface RoleMessage {
  readonly type: 'role';
  readonly channel: number;
  readonly role: SessionRole;
}

/**
 * - running: the shell is live (after attach, after a restart);
 * - lagging: this viewer fell behind; live output is suspended until it has acked, then a snapshot follows;
 * - restarting: the writer asked for `reset`; a blank snapshot follows, then `running` (or `exited` when
 *   the new shell could not start);
 * - exited: the shell ended (an `exit` message came before); `reset` starts a new one.
 */
export type SessionState = 'running' | 'lagging' | 'restarting' | 'exited';

export interface StatusMessage {
  readonly type: 'status';
  readonly channel: number;
  readonly state: SessionState;
}

/**
 * Why a `run` was not typed: busy, a program holds the terminal (qemu's console, `virsh console`, a
 * command still running); no-guest, the command is for the VM's console and no VM holds the terminal.
 */
export type RunRefusal = 'busy' | 'no-guest';

/** A `run` was not typed; sending it again with `force` types it anyway. */
export interface RunRefusedMessage {
  readonly type: 'run-refused';
  readonly channel: number;
  readonly commandId: string;
  readonly reason: RunRefusal;
  /** The terminal's foreground program when busy ("qemu-system-x86_64", "sleep"). */
  readonly program?: string;
  /**
   * What holds the terminal and how to get out of it, in French, without capital or final stop (the pane
   * frames it): « la VM tourne dans ce terminal : Ctrl-A X pour quitter qemu ».
   */
  readonly message: string;
}

export interface ExitMessage {
  readonly type: 'exit';
  readonly channel: number;
  readonly code: number;
  /** Signal number that ended the shell, if one did. */
  readonly signal: number | null;
}

/**
 * request: answer to `detach`; slow: a viewer that stayed lagging too long; idle: the session had no
 * input for too long; shutdown: the server is stopping; ended: the session was closed for another reason.
 */
export type DetachReason = 'request' | 'slow' | 'idle' | 'shutdown' | 'ended';

export interface DetachedMessage {
  readonly type: 'detached';
  readonly channel: number;
  readonly reason: DetachReason;
}

export interface ErrorMessage {
  readonly type: 'error';
  /** Present when the error concerns one channel. */
  readonly channel?: number;
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint?: string;
}

/**
 * One check's outcome: pass; fail (ran, wrong result: the hint says what to look at); timeout or error
 * (could not say: `message` says why, e.g. the command could not start).
 */
export interface CheckResult {
  readonly check: string;
  readonly state: 'pass' | 'fail' | 'timeout' | 'error';
  readonly hint?: string;
  readonly message?: string;
}

/** The answer to `verify`, every check of the exercise in its lab.json order. */
export interface VerifiedMessage {
  readonly type: 'verified';
  readonly channel: number;
  readonly exercise: string;
  readonly results: readonly CheckResult[];
}

/** To presenter pages of a hands-on class, whenever a row changes (at most a few times a second). */
export interface ClassMessage {
  readonly type: 'class';
  readonly students: readonly StudentInfo[];
}

/** To a student's pane: the presenter started (or stopped) watching this terminal. */
export interface WatchedMessage {
  readonly type: 'watched';
  readonly channel: number;
  readonly watching: boolean;
}

/** To a student's page: the presenter ended the class; their labs are gone, the page is audience again. */
export interface ClassEndedMessage {
  readonly type: 'class-ended';
}

export type ServerMessage =
  | WelcomeMessage
  | AttachedMessage
  | SnapshotMessage
  | ResizedMessage
  | RoleMessage
  | StatusMessage
  | RunRefusedMessage
  | ExitMessage
  | DetachedMessage
  | RoomSlideMessage
  | ClassMessage
  | VerifiedMessage
  | WatchedMessage
  | ClassEndedMessage
  | ErrorMessage;

export type ServerMessageType = ServerMessage['type'];

/** Text frame for a message (both directions). */
export function encodeMessage(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message);
}
