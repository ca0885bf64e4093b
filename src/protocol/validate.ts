/**
 * The only code that turns a text frame into a typed message: the frame's size and encoding here, then
 * the message's schema (client-messages.ts, server-messages.ts), which checks every field (type, range,
 * pattern) and refuses unknown ones, so whatever reaches the server's handlers (or the page's) has exactly
 * the declared shape. A refusal is a value with an error code, never an exception: the caller replies with
 * it and carries on.
 */
import { CLIENT_MESSAGE_TYPES, clientMessage, type ClientMessage } from './client-messages.ts';
import { errorValue, type ErrorCode, type ErrorValue } from './errors.ts';
import { MAX_CHANNEL, MAX_MESSAGE_BYTES } from './limits.ts';
import { describeProblem, isRecord, printable, type Schema } from './schema.ts';
import { serverMessage, type ServerMessage } from './server-messages.ts';

export interface ParseFailure {
  readonly ok: false;
  readonly error: ErrorValue;
  /** The frame's channel, when it had a valid one: the error reply carries it. */
  readonly channel?: number;
}
export type ParseResult<T> = { readonly ok: true; readonly message: T } | ParseFailure;

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

function parseWith<M>(
  raw: string | Uint8Array,
  schema: Schema<M>,
  types: ReadonlySet<string>,
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
  // Read before the schema, so that even a malformed message's error reply reaches its pane.
  const channelValue = value['channel'];
  const channel =
    typeof channelValue === 'number' &&
    Number.isInteger(channelValue) &&
    channelValue >= 0 &&
    channelValue <= MAX_CHANNEL
      ? channelValue
      : undefined;
  const type = value['type'];
  if (typeof type !== 'string') return fail('BAD_MESSAGE', 'champ « type » manquant', channel);
  if (!types.has(type)) return fail('UNKNOWN_TYPE', `« ${printable(type)} »`, channel);
  const checked = schema.check(value);
  if (!checked.ok) return fail('BAD_MESSAGE', `${type} : ${describeProblem(checked.problem)}`, channel);
  return { ok: true, message: checked.value };
}

/** Server side: a text frame from a page (string, or its UTF-8 bytes as ws delivers them). */
export function parseClientMessage(raw: string | Uint8Array): ParseResult<ClientMessage> {
  return parseWith(raw, clientMessage, CLIENT_MESSAGE_TYPES, MAX_MESSAGE_BYTES);
}

/** Page side: a text frame from the server. Snapshots can be large, so no size limit applies here. */
export function parseServerMessage(raw: string | Uint8Array): ParseResult<ServerMessage> {
  return parseWith(raw, serverMessage, serverMessage.tags, Number.MAX_SAFE_INTEGER);
}
