import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { BATCH_MAX_BYTES, CONNECTION_BUFFER_CAP } from '../../src/protocol/limits.ts';
import { FLOOD_HOLD_MS, FrameCache, flushScheduler, Outbox, type SendingSocket } from '../../src/server/outbox.ts';

/** The flush scheduler a lab server owns; one for this file. */
const flush = flushScheduler();

class FakeSocket implements SendingSocket {
  bufferedAmount = 0;
  readonly sent: (Buffer | string)[] = [];
  private pending: ((error?: Error) => void)[] = [];
  /** false: sends never complete (a page that stopped reading). */
  constructor(private readonly completes = true) {}
  send(data: Buffer | string, _options: { binary: boolean; compress: boolean }, done: (error?: Error) => void): void {
    this.sent.push(data);
    if (this.completes) process.nextTick(done);
    else this.pending.push(done);
  }
  complete(): void {
    for (const done of this.pending.splice(0)) done();
  }
}

const chunk = (text: string): FrameCache => new FrameCache(Buffer.from(text));

describe('Outbox', () => {
  it('sends idle output at once, as a frame [channel, bytes]', () => {
    const socket = new FakeSocket();
    const outbox = new Outbox(socket, flush, () => undefined);
    outbox.sendOutput(7, chunk('a'));
    expect(socket.sent).toEqual([Buffer.from([7, 0x61])]);
  });

  it('sends a short read at once only when nothing is queued before it', async () => {
    const socket = new FakeSocket();
    const outbox = new Outbox(socket, flush, () => undefined);
    outbox.sendMessage({ type: 'status', channel: 1, state: 'running' });
    outbox.sendOutput(1, chunk('echo'));
    expect(socket.sent).toEqual([]);
    await nextTurn();
    await nextTurn();
    await nextTurn();
    expect(socket.sent.map((d) => (typeof d === 'string' ? d : d.toString('latin1')))).toEqual([
      '{"type":"status","channel":1,"state":"running"}',
      '\x01echo',
    ]);
  });

  it('coalesces output while a send is pending, keeping messages in order', async () => {
    const socket = new FakeSocket(false);
    const outbox = new Outbox(socket, flush, () => undefined);
    outbox.sendOutput(1, chunk('first'));
    await nextTurn();
    for (const text of ['a', 'b', 'c']) outbox.sendOutput(1, chunk(text));
    outbox.sendMessage({ type: 'status', channel: 1, state: 'exited' });
    outbox.sendOutput(1, chunk('d'));
    socket.complete();
    await nextTurn();
    socket.complete();
    await nextTurn();
    socket.complete();
    await nextTurn();
    expect(socket.sent.map((d) => (typeof d === 'string' ? d : d.toString('latin1')))).toEqual([
      '\x01first',
      '\x01abc',
      '{"type":"status","channel":1,"state":"exited"}',
      '\x01d',
    ]);
  });

  it('holds a flood’s full reads into bigger frames, but not for long', async () => {
    const socket = new FakeSocket();
    const outbox = new Outbox(socket, flush, () => undefined);
    const full = Buffer.alloc(4095, 0x61);
    for (let i = 0; i < 3; i++) {
      outbox.sendOutput(0, new FrameCache(full));
      await nextTurn();
    }
    expect(socket.sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, FLOOD_HOLD_MS + 20));
    expect(socket.sent.map((d) => d.length)).toEqual([1 + 3 * 4095]);
  });

  it('keeps holding a flood whose reads come only every few milliseconds (many sessions at once)', () => {
    vi.useFakeTimers();
    try {
      const socket = new FakeSocket();
      const outbox = new Outbox(socket, flush, () => undefined);
      for (let i = 0; i < 3; i++) {
        outbox.sendOutput(0, new FrameCache(Buffer.alloc(4095, 0x61)));
        vi.advanceTimersByTime(5);
      }
      expect(socket.sent).toEqual([]);
      vi.advanceTimersByTime(FLOOD_HOLD_MS);
      expect(socket.sent.map((d) => d.length)).toEqual([1 + 3 * 4095]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('close() clears the timer of a flood frame it was holding', () => {
    vi.useFakeTimers();
    try {
      const socket = new FakeSocket();
      const scheduler = flushScheduler();
      const outbox = new Outbox(socket, scheduler, () => undefined);
      outbox.sendOutput(0, new FrameCache(Buffer.alloc(4095, 0x61)));
      vi.advanceTimersByTime(1);
      expect(vi.getTimerCount()).toBe(1);
      outbox.close();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(FLOOD_HOLD_MS * 2);
      expect(socket.sent).toEqual([]);
      scheduler.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('shares one frame between pages in step with the same stream', async () => {
    const a = new FakeSocket(false);
    const b = new FakeSocket(false);
    const outboxes = [new Outbox(a, flush, () => undefined), new Outbox(b, flush, () => undefined)];
    const first = chunk('x');
    for (const outbox of outboxes) outbox.sendOutput(0, first);
    await nextTurn();
    const stream = [chunk('y'), chunk('z')];
    for (const frames of stream) for (const outbox of outboxes) outbox.sendOutput(0, frames);
    a.complete();
    b.complete();
    await nextTurn();
    expect(a.sent[0]).toBe(b.sent[0]);
    expect(a.sent[1]).toBe(b.sent[1]);
    expect(a.sent[1]?.toString()).toBe('\x00yz');
  });

  it('caps a frame at BATCH_MAX_BYTES', async () => {
    const socket = new FakeSocket(false);
    const outbox = new Outbox(socket, flush, () => undefined);
    const piece = new FrameCache(Buffer.alloc(64 * 1024));
    outbox.sendOutput(0, piece);
    await nextTurn();
    for (let i = 0; i < 10; i++) outbox.sendOutput(0, piece);
    for (let i = 0; i < 4; i++) {
      socket.complete();
      await nextTurn();
    }
    expect(socket.sent.map((d) => d.length - 1)).toEqual([65536, BATCH_MAX_BYTES, BATCH_MAX_BYTES, 2 * 65536]);
  });

  it('gives up on a page that stopped reading, past CONNECTION_BUFFER_CAP', async () => {
    const socket = new FakeSocket(false);
    let broken = '';
    const outbox = new Outbox(socket, flush, (reason) => (broken = reason));
    const piece = new FrameCache(Buffer.alloc(64 * 1024));
    outbox.sendOutput(0, piece);
    await nextTurn();
    for (let sent = 0; sent <= CONNECTION_BUFFER_CAP && !broken; sent += piece.chunk.length)
      outbox.sendOutput(0, piece);
    expect(broken).toBe('send buffer cap reached');
    expect(outbox.isClosed).toBe(true);
    socket.complete();
    await nextTurn();
    expect(socket.sent.length).toBe(1);
  });
});
