import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VIEWER_HIGH_WATERMARK } from '../../src/protocol/limits.ts';
import type { ServerMessage } from '../../src/protocol/messages.ts';
import { Attachment, type Peer } from '../../src/server/attachment.ts';
import { FrameCache, type Outbox } from '../../src/server/outbox.ts';

/** A page's connection that keeps what it is sent. */
function fakePeer(): Peer & { readonly messages: ServerMessage[]; readonly output: number[] } {
  const messages: ServerMessage[] = [];
  const output: number[] = [];
  const outbox = {
    sendMessage: (message: ServerMessage) => messages.push(message),
    sendOutput: (_channel: number, frames: FrameCache) => output.push(frames.chunk.length),
  } as unknown as Outbox;
  return { role: 'audience', outbox, released: () => undefined, messages, output };
}

const SNAPSHOT = { data: '', cols: 80, rows: 24 };

describe('Attachment', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A viewer past its window: lagging, its slow timer armed. */
  function lagging(): { attachment: Attachment; peer: ReturnType<typeof fakePeer>; slow: Attachment[] } {
    const peer = fakePeer();
    const attachment = new Attachment(peer, 3, 'viewer');
    const slow: Attachment[] = [];
    attachment.output(new FrameCache(Buffer.alloc(VIEWER_HIGH_WATERMARK + 1)), 1000, (a) => slow.push(a));
    return { attachment, peer, slow };
  }

  it('a viewer that stays behind is reported slow once its time is up', () => {
    const { attachment, peer, slow } = lagging();
    expect(attachment.state).toBe('lagging');
    expect(peer.messages).toContainEqual({ type: 'status', channel: 3, state: 'lagging' });
    // Lagging: output is no longer sent to it.
    attachment.output(new FrameCache(Buffer.from('more')), 1000, () => undefined);
    expect(peer.output).toEqual([VIEWER_HIGH_WATERMARK + 1]);
    vi.advanceTimersByTime(1000);
    expect(slow).toEqual([attachment]);
  });

  it('a viewer that catches up (a new snapshot) is not reported', () => {
    const { attachment, slow } = lagging();
    attachment.sync(SNAPSHOT, false);
    expect(attachment.state).toBe('live');
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(slow).toEqual([]);
  });

  it('dispose (the session detached it) clears its timer, and any set later', () => {
    const { attachment, slow } = lagging();
    attachment.dispose();
    attachment.dispose();
    expect(vi.getTimerCount()).toBe(0);
    attachment.lag(1000, () => slow.push(attachment));
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(slow).toEqual([]);
  });

  it('tells a page why its shell did not start before the exit itself', () => {
    const peer = fakePeer();
    const attachment = new Attachment(peer, 1, 'writer');
    attachment.exited({ code: 3, signal: null }, { code: 'LAB_START_FAILED', message: 'm', hint: 'h' });
    expect(peer.messages.map((m) => m.type)).toEqual(['error', 'exit', 'status']);
  });

  it('says read-only once to a viewer that types', () => {
    const peer = fakePeer();
    const attachment = new Attachment(peer, 1, 'viewer');
    attachment.refuseInput();
    attachment.refuseInput();
    expect(peer.messages).toMatchObject([{ type: 'error', channel: 1, code: 'READ_ONLY' }]);
  });
});
