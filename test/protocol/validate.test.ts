import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, PROTOCOL_VERSION } from '../../src/protocol/limits.ts';
import { encodeMessage, type ClientMessage, type ServerMessage } from '../../src/protocol/messages.ts';
import { parseClientMessage, parseServerMessage } from '../../src/protocol/validate.ts';

const VALID: readonly ClientMessage[] = [
  { type: 'hello', version: PROTOCOL_VERSION },
  { type: 'attach', channel: 0, lab: 'shell', cols: 80, rows: 24 },
  { type: 'attach', channel: 255, lab: 'qemu', cols: 500, rows: 200, room: 'salle-2', mode: 'view' },
  { type: 'input', channel: 1, data: 'ls -l\r' },
  { type: 'input', channel: 1, data: '\x1b[<0;10;5M', binary: false },
  { type: 'input', channel: 1, data: '\x1b[M\xff\xfe', binary: true },
  { type: 'resize', channel: 2, cols: 2, rows: 2 },
  { type: 'ack', channel: 3, bytes: 65536 },
  { type: 'run', channel: 4, commandId: 'qemu-img-create' },
  { type: 'detach', channel: 5 },
  { type: 'reset', channel: 6 },
];

function code(raw: string | Uint8Array): string | undefined {
  const result = parseClientMessage(raw);
  return result.ok ? undefined : result.error.code;
}

describe('parseClientMessage', () => {
  it('accepts every message of the contract, as text or as UTF-8 bytes', () => {
    for (const message of VALID) {
      const text = encodeMessage(message);
      expect(parseClientMessage(text)).toEqual({ ok: true, message });
      expect(parseClientMessage(new TextEncoder().encode(text))).toEqual({ ok: true, message });
    }
  });

  it('refuses what is not a JSON object', () => {
    for (const raw of ['', 'hello', '{', '[]', 'null', '42', '"attach"', '{"type":"hello","version":1}x']) {
      expect(code(raw), raw).toMatch(/^(BAD_JSON|BAD_MESSAGE)$/);
    }
    expect(code(new Uint8Array([0x7b, 0xff, 0x7d]))).toBe('BAD_JSON');
  });

  it('refuses unknown types, missing, extra and ill-typed fields, and says which', () => {
    expect(code('{"type":"exec","command":"rm -rf /"}')).toBe('UNKNOWN_TYPE');
    expect(code('{"channel":1}')).toBe('BAD_MESSAGE');
    expect(code('{"type":"__proto__"}')).toBe('UNKNOWN_TYPE');
    expect(code('{"type":"toString"}')).toBe('UNKNOWN_TYPE');
    const cases: Record<string, object> = {
      'missing field': { type: 'attach', channel: 0, lab: 'shell', cols: 80 },
      'extra field': { type: 'detach', channel: 0, command: 'ls' },
      'prototype key': JSON.parse('{"type":"detach","channel":0,"__proto__":{"x":1}}') as object,
      'channel too big': { type: 'detach', channel: 256 },
      'negative channel': { type: 'detach', channel: -1 },
      'fractional channel': { type: 'detach', channel: 1.5 },
      'string channel': { type: 'detach', channel: '1' },
      'cols too small': { type: 'resize', channel: 0, cols: 1, rows: 24 },
      'rows too big': { type: 'resize', channel: 0, cols: 80, rows: 10_000 },
      'zero ack': { type: 'ack', channel: 0, bytes: 0 },
      'huge ack': { type: 'ack', channel: 0, bytes: 1e12 },
      'empty input': { type: 'input', channel: 0, data: '' },
      'binary over 255': { type: 'input', channel: 0, data: 'é€', binary: true },
      'lab with a slash': { type: 'attach', channel: 0, lab: '../etc', cols: 80, rows: 24 },
      'upper-case lab': { type: 'attach', channel: 0, lab: 'Shell', cols: 80, rows: 24 },
      'bad mode': { type: 'attach', channel: 0, lab: 'shell', cols: 80, rows: 24, mode: 'admin' },
      'command text instead of id': { type: 'run', channel: 0, commandId: 'rm -rf /' },
      'null version': { type: 'hello', version: null },
    };
    for (const [name, message] of Object.entries(cases)) {
      const result = parseClientMessage(JSON.stringify(message));
      expect(result.ok, name).toBe(false);
      if (!result.ok) {
        expect(result.error.code, name).toBe('BAD_MESSAGE');
        expect(result.error.message.length, name).toBeGreaterThan(10);
      }
    }
    const result = parseClientMessage('{"type":"resize","channel":3,"cols":"80","rows":24}');
    expect(result).toEqual({
      ok: false,
      channel: 3,
      error: { code: 'BAD_MESSAGE', message: expect.stringContaining('« cols »') },
    });
  });

  it('refuses frames above MAX_MESSAGE_BYTES, counted in UTF-8 bytes', () => {
    const big = JSON.stringify({ type: 'input', channel: 0, data: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(code(big)).toBe('TOO_LARGE');
    expect(code(new TextEncoder().encode(big))).toBe('TOO_LARGE');
    // "€" is 3 bytes in UTF-8: under the limit in code units, over it once encoded.
    const wide = JSON.stringify({ type: 'input', channel: 0, data: '€'.repeat(Math.ceil(MAX_MESSAGE_BYTES / 3)) });
    expect(wide.length).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(code(wide)).toBe('TOO_LARGE');
    const fits = JSON.stringify({ type: 'input', channel: 0, data: 'x'.repeat(MAX_MESSAGE_BYTES - 100) });
    expect(code(fits)).toBeUndefined();
  });

  it('quotes untrusted names short and without control characters', () => {
    const result = parseClientMessage(JSON.stringify({ type: `\x1b]0;pwned\x07${'a'.repeat(100)}` }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect([...result.error.message].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
      expect(result.error.message.length).toBeLessThan(120);
    }
  });
});

describe('parseServerMessage', () => {
  const SERVER: readonly ServerMessage[] = [
    {
      type: 'welcome',
      version: 1,
      role: 'audience',
      labs: [{ id: 'shell', title: 'Shell', ready: false, reason: 'bash manquant', commands: ['a'] }],
    },
    { type: 'attached', channel: 1, lab: 'shell', room: 'main', role: 'writer', cols: 80, rows: 24 },
    { type: 'snapshot', channel: 1, data: '', cols: 80, rows: 24 },
    { type: 'resized', channel: 1, cols: 100, rows: 30 },
    { type: 'role', channel: 1, role: 'viewer' },
    { type: 'status', channel: 1, state: 'lagging' },
    { type: 'exit', channel: 1, code: 0, signal: null },
    { type: 'exit', channel: 1, code: 0, signal: 9 },
    { type: 'detached', channel: 1, reason: 'slow' },
    { type: 'error', code: 'VERSION_MISMATCH', message: 'Version', hint: 'Rechargez' },
    { type: 'error', channel: 2, code: 'READ_ONLY', message: 'Lecture seule' },
  ];

  it('accepts every server message, and refuses unknown codes and shapes', () => {
    for (const message of SERVER) expect(parseServerMessage(encodeMessage(message))).toEqual({ ok: true, message });
    expect(parseServerMessage('{"type":"error","code":"NOPE","message":"x"}').ok).toBe(false);
    expect(parseServerMessage('{"type":"welcome","version":1,"role":"root","labs":[]}').ok).toBe(false);
    expect(parseServerMessage('{"type":"welcome","version":1,"role":"presenter","labs":[{"id":"x"}]}').ok).toBe(false);
    // Snapshots can be large: no size limit on this side.
    const snapshot = encodeMessage({
      type: 'snapshot',
      channel: 0,
      data: 'x'.repeat(2 * MAX_MESSAGE_BYTES),
      cols: 80,
      rows: 24,
    });
    expect(parseServerMessage(snapshot).ok).toBe(true);
  });
});
