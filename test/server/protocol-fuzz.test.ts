import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, MAX_PAYLOAD_BYTES, MESSAGE_BURST } from '../../src/protocol/limits.ts';
import { encodeMessage, type ClientMessage } from '../../src/protocol/messages.ts';
import { parseClientMessage } from '../../src/protocol/validate.ts';
import { LabClient } from '../helpers/lab-client.ts';
import { startLabServer, type TestServer } from '../helpers/lab-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startLabServer();
});
afterAll(async () => {
  await server?.close();
});

/** Deterministic, so a failing frame can be found again from the seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return state / 2 ** 32;
  };
}

const SEEDS: readonly ClientMessage[] = [
  { type: 'hello', version: 1 },
  { type: 'attach', channel: 0, lab: 'shell', cols: 80, rows: 24, room: 'fuzz', mode: 'write' },
  { type: 'input', channel: 0, data: 'ls\r' },
  { type: 'resize', channel: 0, cols: 80, rows: 24 },
  { type: 'ack', channel: 0, bytes: 1024 },
  { type: 'run', channel: 0, commandId: 'hello' },
  { type: 'detach', channel: 0 },
  { type: 'reset', channel: 0 },
];

function anyValue(r: () => number): unknown {
  const pick = Math.floor(r() * 12);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return Math.floor(r() * 600) - 50;
    case 3:
      return r() * 1e20;
    case 4:
      return -0.5;
    case 5:
      return '';
    case 6:
      return 'x'.repeat(Math.floor(r() * 300));
    case 7:
      return String.fromCodePoint(...Array.from({ length: 8 }, () => Math.floor(r() * 0x2ffff)));
    case 8:
      return [1, 'two', null];
    case 9:
      return { nested: { deeper: [r()] } };
    case 10:
      return '../../etc/passwd';
    default:
      return 1e308 * 10; // Infinity: JSON.stringify turns it into null
  }
}

function mutate(r: () => number): string {
  const seed = SEEDS[Math.floor(r() * SEEDS.length)] as ClientMessage;
  const object: Record<string, unknown> = { ...seed };
  const keys = Object.keys(object);
  const key = keys[Math.floor(r() * keys.length)] as string;
  switch (Math.floor(r() * 9)) {
    case 0:
      delete object[key];
      break;
    case 1:
      object[key] = anyValue(r);
      break;
    case 2:
      object[`extra${Math.floor(r() * 3)}`] = anyValue(r);
      break;
    case 3:
      object['type'] = anyValue(r);
      break;
    case 4: {
      const text = JSON.stringify(object);
      return text.slice(0, Math.floor(r() * text.length));
    }
    case 5: {
      const text = JSON.stringify(object).split('');
      text[Math.floor(r() * text.length)] = String.fromCharCode(Math.floor(r() * 128));
      return text.join('');
    }
    case 6:
      return JSON.stringify([object]);
    case 7:
      return String.fromCodePoint(...Array.from({ length: Math.floor(r() * 60) }, () => Math.floor(r() * 0xd7ff)));
    default:
      object['channel'] = anyValue(r);
      break;
  }
  return JSON.stringify(object);
}

interface Frame {
  readonly data: string | Buffer;
  readonly binary: boolean;
  readonly expected: string;
}

/** Frames the protocol refuses, each with the error code the server must answer. */
function invalidFrames(seed: number, count: number): Frame[] {
  const r = random(seed);
  const frames: Frame[] = [];
  while (frames.length < count) {
    const roll = r();
    if (roll < 0.05) {
      frames.push({ data: randomBytes(1 + Math.floor(r() * 64)), binary: true, expected: 'BINARY_NOT_ACCEPTED' });
      continue;
    }
    const text =
      roll < 0.07 ? JSON.stringify({ type: 'input', channel: 0, data: 'y'.repeat(MAX_MESSAGE_BYTES) }) : mutate(r);
    const result = parseClientMessage(text);
    if (!result.ok) frames.push({ data: text, binary: false, expected: result.error.code });
  }
  return frames;
}

describe('protocol fuzzing', () => {
  it('answers thousands of random and mutated frames with one error each, and stays in sync', async () => {
    const clients = await Promise.all([1, 2, 3, 4].map(() => LabClient.open(server)));
    await Promise.all(
      clients.map(async (client, index) => {
        const frames = invalidFrames(index + 1, 1500);
        const from = client.messages.length;
        for (const frame of frames) client.sendRaw(frame.data, frame.binary);
        const errors = await client.until(
          () => {
            const replies = client.messages.slice(from);
            return replies.length >= frames.length ? replies : undefined;
          },
          `${frames.length} replies`,
          30_000,
        );
        expect(errors.map((m) => (m.type === 'error' ? m.code : m.type))).toEqual(frames.map((f) => f.expected));
        expect(client.invalid).toEqual([]);
      }),
    );
    // The same connections still speak the protocol: a shell, an echo.
    const [first] = clients;
    if (!first) throw new Error('no client');
    await first.attach(9, 'shell', { room: 'after-fuzz' });
    first.send({ type: 'input', channel: 9, data: 'echo still-$((2 + 2))\r' });
    await first.waitForOutput(9, 'still-4');
    await Promise.all(clients.map((c) => c.close()));
  });

  it('refuses everything but hello first, then talks normally', async () => {
    const client = await LabClient.connect(server);
    for (const message of SEEDS.slice(1)) client.send(message);
    await client.until(() => (client.messages.length >= SEEDS.length - 1 ? true : undefined), 'refusals');
    expect(client.messages.every((m) => m.type === 'error' && m.code === 'HELLO_REQUIRED')).toBe(true);
    client.send({ type: 'hello', version: 99 });
    await client.next('error', (m) => m.code === 'VERSION_MISMATCH');
    await client.until(() => client.closed || undefined, 'close');
    expect(client.closeCode).toBe(1002);
    const fresh = await LabClient.open(server);
    expect(fresh.messages[0]?.type).toBe('welcome');
    await fresh.close();
  });

  it('cuts a frame beyond MAX_PAYLOAD_BYTES at the WebSocket layer, and keeps serving', async () => {
    const client = await LabClient.open(server);
    client.sendRaw('x'.repeat(MAX_PAYLOAD_BYTES + 1));
    await client.until(() => client.closed || undefined, 'close');
    expect(client.closeCode).toBe(1009);
    const fresh = await LabClient.open(server);
    await fresh.close();
  });

  it('closes a connection that floods messages (1008) after saying why', async () => {
    const client = await LabClient.open(server);
    for (let i = 0; i < MESSAGE_BURST + 2000; i++) client.sendRaw('{}');
    await client.next('error', (m) => m.code === 'RATE_LIMITED', 0, 30_000);
    await client.until(() => client.closed || undefined, 'close');
    expect(client.closeCode).toBe(1008);
    const fresh = await LabClient.open(server);
    await fresh.close();
  });

  it('gives every message of a valid conversation a well-formed answer', async () => {
    const client = await LabClient.open(server);
    await client.attach(0, 'shell', { room: 'conversation' });
    for (const message of SEEDS)
      client.send(message.type === 'hello' ? message : ({ ...message, channel: 0 } as ClientMessage));
    client.send({ type: 'attach', channel: 0, lab: 'shell', cols: 80, rows: 24 });
    await client.next('detached', (m) => m.channel === 0 && m.reason === 'request');
    await client.next('error', (m) => m.code === 'UNKNOWN_CHANNEL' || m.code === 'CHANNEL_IN_USE');
    expect(client.invalid).toEqual([]);
    expect(encodeMessage({ type: 'detach', channel: 0 })).toBe('{"type":"detach","channel":0}');
    await client.close();
  });
});
