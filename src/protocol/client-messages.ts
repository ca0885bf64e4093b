/**
 * Page -> server messages (see messages.ts for the conversation): one schema, from which every type is
 * derived. validate.ts is the only code that runs it on a frame.
 */
import { MAX_ACK_BYTES, MAX_MESSAGE_BYTES, MAX_SLIDE_INDEX } from './limits.ts';
import { boolean, integer, oneOf, optional, refine, text, union, type Infer } from './schema.ts';
import { channel, cols, id, rows, version } from './wire-fields.ts';

const messages = union('type', {
  hello: { version },
  attach: {
    channel,
    lab: id,
    cols,
    rows,
    /**
     * Sessions are per (room, lab). Absent: the page's own room (DEFAULT_ROOM, or a student's own room).
     * A student may name DEFAULT_ROOM (to watch the presenter); a presenter may name a student's room
     * (to watch it, read-only). Any other room is refused.
     */
    room: optional(id),
    /**
     * 'write' (default): a presenter takes the writer role (the previous writer, e.g. the page before a
     * reload, becomes a viewer and gets `role`). 'view': watch only (remark's cloned projector window).
     * The audience is always a viewer, whatever it asks.
     */
    mode: optional(oneOf('write', 'view')),
  },
  input: {
    channel,
    /**
     * What xterm.js's onData gave (UTF-8 text), or with `binary`, onBinary's string of chars 0-255.
     * The frame size bounds it already: the check only refuses the empty string.
     */
    data: text(1, MAX_MESSAGE_BYTES),
    binary: optional(boolean()),
  },
  resize: { channel, cols, rows },
  ack: {
    channel,
    /** Payload bytes of binary frames written into the terminal since the previous ack. */
    bytes: integer(1, MAX_ACK_BYTES),
  },
  run: {
    channel,
    /** A key of the lab's `commands`: the server types that text and Enter; the page never sends it. */
    commandId: id,
    /** Type it even though a program holds the terminal (the person saw `run-refused` and insisted). */
    force: optional(boolean()),
  },
  detach: { channel },
  reset: { channel },
  slide: { index: integer(0, MAX_SLIDE_INDEX) },
  verify: { channel, exercise: id },
  'end-class': {},
});

/** onBinary data: one char per byte. */
function isLatin1(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return false;
  return true;
}

export const clientMessage = refine(messages, (message) =>
  message.type === 'input' && message.binary === true && !isLatin1(message.data)
    ? { path: ['data'], expected: 'des octets (0 à 255) attendus avec « binary »' }
    : undefined,
);
export const CLIENT_MESSAGE_TYPES = messages.tags;

export type ClientMessage = Infer<typeof clientMessage>;
export type ClientMessageType = ClientMessage['type'];

export type HelloMessage = Extract<ClientMessage, { type: 'hello' }>;
export type AttachMessage = Extract<ClientMessage, { type: 'attach' }>;
export type InputMessage = Extract<ClientMessage, { type: 'input' }>;
export type ResizeMessage = Extract<ClientMessage, { type: 'resize' }>;
export type AckMessage = Extract<ClientMessage, { type: 'ack' }>;
export type RunMessage = Extract<ClientMessage, { type: 'run' }>;
export type DetachMessage = Extract<ClientMessage, { type: 'detach' }>;
export type ResetMessage = Extract<ClientMessage, { type: 'reset' }>;
/**
 * The presenter's page shows remark slide `index` (0-based, each incremental step counts): the audience
 * follows it. Refused from the audience (it follows, it never drives).
 */
export type SlideMessage = Extract<ClientMessage, { type: 'slide' }>;
/**
 * « Vérifier » on an exercise slide: the server runs the exercise's checks (lab.json) in the sandbox of the
 * session on this channel (the student's own, or the presenter's) and answers `verified`. Writer only.
 */
export type VerifyMessage = Extract<ClientMessage, { type: 'verify' }>;
/** Presenter only: ends the hands-on class (every student's labs, files and cloud project are removed). */
export type EndClassMessage = Extract<ClientMessage, { type: 'end-class' }>;
