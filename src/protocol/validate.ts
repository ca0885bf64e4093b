/**
 * The only code that turns a text frame into a typed message. Every field of every message is checked
 * (type, range, pattern) and unknown fields are refused, so whatever reaches the server's handlers (or the
 * page's) has exactly the shape messages.ts declares. A refusal is a value with an error code, never an
 * exception: the caller replies with it and carries on.
 */
import { MAX_COMMAND_TEXT, MAX_NAME_LENGTH, MIN_NAME_LENGTH, STUDENT_ID_PATTERN } from './classroom.ts';
import { errorValue, isErrorCode, type ErrorCode, type ErrorValue } from './errors.ts';
import {
  MAX_ACK_BYTES,
  MAX_CHANNEL,
  MAX_COLS,
  MAX_MESSAGE_BYTES,
  MAX_ROWS,
  MAX_SLIDE_INDEX,
  MIN_COLS,
  MIN_ROWS,
} from './limits.ts';
import type { ClientMessage, ClientMessageType, ServerMessage, ServerMessageType } from './messages.ts';

export interface ParseFailure {
  readonly ok: false;
  readonly error: ErrorValue;
  /** The frame's channel, when it had a valid one: the error reply carries it. */
  readonly channel?: number;
}
export type ParseResult<T> = { readonly ok: true; readonly message: T } | ParseFailure;

/** Lab ids, rooms and command ids: short, lower-case, safe in paths and in logs. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A problem description (French, names the field), or undefined when the value is fine. */
type Check = (value: unknown) => string | undefined;
interface Field {
  readonly check: Check;
  readonly optional?: boolean;
}
type Shape = Readonly<Record<string, Field>>;

const integer =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `entier entre ${min} et ${max} attendu`;
const text =
  (minLength: number, maxLength: number): Check =>
  (v) =>
    typeof v === 'string' && v.length >= minLength && v.length <= maxLength
      ? undefined
      : `texte de ${minLength} à ${maxLength} caractères attendu`;
const id: Check = (v) => (typeof v === 'string' && ID_PATTERN.test(v) ? undefined : 'identifiant [a-z0-9._-] attendu');
const oneOf =
  (...values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `une valeur parmi ${values.join(', ')} attendue`;
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'booléen attendu');
const nullable =
  (inner: Check): Check =>
  (v) =>
    v === null ? undefined : inner(v);
const errorCode: Check = (v) => (typeof v === 'string' && isErrorCode(v) ? undefined : 'code d’erreur connu attendu');
const arrayOf =
  (shape: Shape): Check =>
  (v) => {
    if (!Array.isArray(v)) return 'liste attendue';
    for (const [index, item] of v.entries()) {
      const problem = checkShape(item, shape);
      if (problem !== undefined) return `élément ${index} : ${problem}`;
    }
    return undefined;
  };
const stringList: Check = (v) =>
  Array.isArray(v) && v.every((item) => typeof item === 'string') ? undefined : 'liste de textes attendue';

const required = (check: Check): Field => ({ check });
const optional = (check: Check): Field => ({ check, optional: true });

const channel = required(integer(0, MAX_CHANNEL));
const cols = required(integer(MIN_COLS, MAX_COLS));
const rows = required(integer(MIN_ROWS, MAX_ROWS));
/** Input is bounded by the frame size already; the field check only refuses the empty string. */
const inputData = required(text(1, MAX_MESSAGE_BYTES));

const CLIENT_SHAPES: { readonly [T in ClientMessageType]: Shape } = {
  hello: { version: required(integer(0, 1_000_000)) },
  attach: { channel, lab: required(id), cols, rows, room: optional(id), mode: optional(oneOf('write', 'view')) },
  input: { channel, data: inputData, binary: optional(boolean) },
  resize: { channel, cols, rows },
  ack: { channel, bytes: required(integer(1, MAX_ACK_BYTES)) },
  run: { channel, commandId: required(id), force: optional(boolean) },
  detach: { channel },
  reset: { channel },
  slide: { index: required(integer(0, MAX_SLIDE_INDEX)) },
  verify: { channel, exercise: required(id) },
  'end-class': {},
};

const LAB_INFO: Shape = {
  id: required(id),
  title: required(text(1, 200)),
  ready: required(boolean),
  reason: optional(text(1, 500)),
  commands: required(stringList),
  exercises: optional(stringList),
};

const studentId: Check = (v) => (typeof v === 'string' && STUDENT_ID_PATTERN.test(v) ? undefined : 'identifiant d’élève attendu');
const STUDENT_IDENTITY: Shape = { id: required(studentId), name: required(text(MIN_NAME_LENGTH, MAX_NAME_LENGTH * 2)) };
const object =
  (shape: Shape): Check =>
  (v) =>
    checkShape(v, shape);
const STUDENT_INFO: Shape = {
  ...STUDENT_IDENTITY,
  connected: required(boolean),
  slide: optional(integer(0, MAX_SLIDE_INDEX)),
  labs: required(stringList),
  last: optional(
    object({ lab: required(id), text: required(text(0, MAX_COMMAND_TEXT * 2)), exit: optional(integer(-1_000_000, 1_000_000)) }),
  ),
  exercises: optional(
    arrayOf({
      lab: required(id),
      exercise: required(id),
      attempts: required(integer(0, 1_000_000)),
      failures: required(integer(0, 1_000_000)),
      ok: required(boolean),
    }),
  ),
};

const serverChannel = required(integer(0, MAX_CHANNEL));
const SERVER_SHAPES: { readonly [T in ServerMessageType]: Shape } = {
  welcome: {
    version: required(integer(0, 1_000_000)),
    role: required(oneOf('presenter', 'audience', 'student')),
    labs: required(arrayOf(LAB_INFO)),
    slide: optional(integer(0, MAX_SLIDE_INDEX)),
    handsOn: optional(boolean),
    student: optional(object(STUDENT_IDENTITY)),
  },
  class: { students: required(arrayOf(STUDENT_INFO)) },
  watched: { channel: serverChannel, watching: required(boolean) },
  verified: {
    channel: serverChannel,
    exercise: required(id),
    results: required(
      arrayOf({
        check: required(id),
        state: required(oneOf('pass', 'fail', 'timeout', 'error')),
        hint: optional(text(1, 2000)),
        message: optional(text(1, 2000)),
      }),
    ),
  },
  'class-ended': {},
  slide: { index: required(integer(0, MAX_SLIDE_INDEX)) },
  attached: {
    channel: serverChannel,
    lab: required(id),
    room: required(id),
    role: required(oneOf('writer', 'viewer')),
    cols,
    rows,
  },
  snapshot: { channel: serverChannel, data: required(text(0, Number.MAX_SAFE_INTEGER)), cols, rows },
  resized: { channel: serverChannel, cols, rows },
  role: { channel: serverChannel, role: required(oneOf('writer', 'viewer')) },
  status: { channel: serverChannel, state: required(oneOf('running', 'lagging', 'restarting', 'exited')) },
  'run-refused': {
    channel: serverChannel,
    commandId: required(id),
    reason: required(oneOf('busy', 'no-guest')),
    program: optional(text(1, 200)),
    message: required(text(1, 2000)),
  },
  exit: { channel: serverChannel, code: required(integer(-1_000_000, 1_000_000)), signal: required(nullable(integer(0, 128))) },
  detached: { channel: serverChannel, reason: required(oneOf('request', 'slow', 'idle', 'shutdown', 'ended')) },
  error: {
    channel: optional(integer(0, MAX_CHANNEL)),
    code: required(errorCode),
    message: required(text(1, 2000)),
    hint: optional(text(1, 2000)),
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an object against a shape: every field valid, none missing, none unknown (besides `type`). */
function checkShape(value: unknown, shape: Shape, ignore?: string): string | undefined {
  if (!isRecord(value)) return 'objet attendu';
  for (const key of Object.keys(value)) {
    if (key !== ignore && !Object.hasOwn(shape, key)) return `champ inconnu « ${printable(key)} »`;
  }
  for (const [name, field] of Object.entries(shape)) {
    const present = Object.hasOwn(value, name) && value[name] !== undefined;
    if (!present) {
      if (field.optional) continue;
      return `champ « ${name} » manquant`;
    }
    const problem = field.check(value[name]);
    if (problem !== undefined) return `champ « ${name} » : ${problem}`;
  }
  return undefined;
}

/** Untrusted text quoted in an error message: short, and without control characters. */
function printable(value: string): string {
  let cleaned = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    cleaned += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? '?' : char;
  }
  return cleaned.length > 40 ? `${cleaned.slice(0, 40)}…` : cleaned;
}

/** onBinary data: one char per byte. */
function isLatin1(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return false;
  return true;
}

/** UTF-8 length of a string without encoding it (a string frame may be up to 3 bytes per code unit). */
function utf8Length(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * TextDecoder exists in browsers and in Node, but lib ES2022 (this layer's only lib, so that nothing
 * here can touch DOM or Node APIs) does not declare it: declare just what we use, module-scoped.
 */
declare const TextDecoder: new (label: 'utf-8', options: { fatal: boolean }) => { decode(input: Uint8Array): string };
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(code: ErrorCode, detail?: string, channel?: number): ParseFailure {
  const error = errorValue(code, detail === undefined ? {} : { detail });
  return channel === undefined ? { ok: false, error } : { ok: false, error, channel };
}

function parseWith<T extends string, M>(
  raw: string | Uint8Array,
  shapes: { readonly [K in T]: Shape },
  maxBytes: number,
): ParseResult<M> {
  let source: string;
  if (typeof raw === 'string') {
    if (raw.length > maxBytes || (raw.length * 3 > maxBytes && utf8Length(raw) > maxBytes)) {
      return fail('TOO_LARGE', `plus de ${maxBytes} octets`);
    }
    source = raw;
  } else {
    if (raw.length > maxBytes) return fail('TOO_LARGE', `plus de ${maxBytes} octets`);
    try {
      source = utf8.decode(raw);
    } catch {
      return fail('BAD_JSON');
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    return fail('BAD_JSON');
  }
  if (!isRecord(value)) return fail('BAD_MESSAGE', 'objet JSON attendu');
  const channelValue = value['channel'];
  const channel =
    typeof channelValue === 'number' && Number.isInteger(channelValue) && channelValue >= 0 && channelValue <= MAX_CHANNEL
      ? channelValue
      : undefined;
  const type = value['type'];
  if (typeof type !== 'string') return fail('BAD_MESSAGE', 'champ « type » manquant', channel);
  if (!Object.hasOwn(shapes, type)) return fail('UNKNOWN_TYPE', `« ${printable(type)} »`, channel);
  const problem = checkShape(value, shapes[type as T], 'type');
  if (problem !== undefined) return fail('BAD_MESSAGE', `${type} : ${problem}`, channel);
  if (type === 'input' && value['binary'] === true && !isLatin1(String(value['data']))) {
    return fail('BAD_MESSAGE', 'input : des octets (0 à 255) attendus avec « binary »', channel);
  }
  // The shape check above is exactly the declaration in messages.ts: this is the one sanctioned cast.
  return { ok: true, message: value as M };
}

/** Server side: a text frame from a page (string, or its UTF-8 bytes as ws delivers them). */
export function parseClientMessage(raw: string | Uint8Array): ParseResult<ClientMessage> {
  return parseWith<ClientMessageType, ClientMessage>(raw, CLIENT_SHAPES, MAX_MESSAGE_BYTES);
}

/** Page side: a text frame from the server. Snapshots can be large, so no size limit applies here. */
export function parseServerMessage(raw: string | Uint8Array): ParseResult<ServerMessage> {
  return parseWith<ServerMessageType, ServerMessage>(raw, SERVER_SHAPES, Number.MAX_SAFE_INTEGER);
}
