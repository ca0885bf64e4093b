/**
 * The lab WebSocket's wire contract: one WebSocket per page at path `/ws`, multiplexing several lab
 * sessions by a `channel` number (0-255) the page chooses in `attach`.
 *
 * - Text frames carry one JSON object, a ClientMessage or a ServerMessage (unions on `type`), each
 *   declared once as a schema (client-messages.ts, server-messages.ts) from which its type is derived.
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
import type { ClientMessage } from './client-messages.ts';
import type { ServerMessage } from './server-messages.ts';

export type { ClientRole, LabInfo, SessionRole } from './wire-fields.ts';
export type {
  AckMessage,
  AttachMessage,
  ClientMessage,
  ClientMessageType,
  DetachMessage,
  EndClassMessage,
  HelloMessage,
  InputMessage,
  ResetMessage,
  ResizeMessage,
  RunMessage,
  SlideMessage,
  VerifyMessage,
} from './client-messages.ts';
export type {
  AttachedMessage,
  CheckResult,
  ClassEndedMessage,
  ClassMessage,
  DetachedMessage,
  DetachReason,
  ErrorMessage,
  ExitMessage,
  ResizedMessage,
  RoleMessage,
  RoomSlideMessage,
  RunRefusal,
  RunRefusedMessage,
  ServerMessage,
  ServerMessageType,
  SessionState,
  SnapshotMessage,
  StatusMessage,
  VerifiedMessage,
  WatchedMessage,
  WelcomeMessage,
} from './server-messages.ts';

/**
 * A page served by the lab server carries `<meta name="LAB_SERVER_META">` (added when index.html is
 * served): only such a page looks for /api/status and /ws. A static copy of the deck makes no request
 * that can only fail.
 */
export const LAB_SERVER_META = 'cours-lab-server';

/** Text frame for a message (both directions). */
export function encodeMessage(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message);
}
