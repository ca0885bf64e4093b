import { describe, expect, it } from 'vitest';
import * as limits from '../../src/protocol/limits.ts';

describe('limits', () => {
  it('keeps flow control able to resume: ACK_SIZE <= LOW_WATERMARK < HIGH_WATERMARK <= VIEWER_HIGH_WATERMARK', () => {
    // A page acks in steps of ACK_SIZE; a remainder below it may stay unacked forever, so the pty must
    // resume above it, and a viewer must be allowed at least what the writer is.
    expect(limits.ACK_SIZE).toBeLessThanOrEqual(limits.LOW_WATERMARK);
    expect(limits.LOW_WATERMARK).toBeLessThan(limits.HIGH_WATERMARK);
    expect(limits.HIGH_WATERMARK).toBeLessThanOrEqual(limits.VIEWER_HIGH_WATERMARK);
    expect(limits.SCREEN_LOW_WATERMARK).toBeLessThan(limits.SCREEN_HIGH_WATERMARK);
  });

  it('keeps a batch and one pty read within the windows', () => {
    expect(limits.BATCH_MAX_BYTES).toBeLessThanOrEqual(limits.HIGH_WATERMARK);
    expect(limits.PTY_READ_MAX_BYTES).toBeLessThan(limits.HIGH_WATERMARK - limits.LOW_WATERMARK);
  });

  it('sizes the connection cap above what flow control lets one page have in flight', () => {
    const perChannel =
      Math.max(limits.HIGH_WATERMARK, limits.VIEWER_HIGH_WATERMARK) +
      limits.PTY_READ_MAX_BYTES +
      limits.BATCH_MAX_BYTES;
    expect(limits.CONNECTION_BUFFER_CAP).toBeGreaterThanOrEqual(limits.MAX_CHANNELS_PER_CLIENT * perChannel);
  });

  it('lets a message be refused politely before the WebSocket layer cuts the connection', () => {
    expect(limits.MAX_MESSAGE_BYTES).toBeLessThan(limits.MAX_PAYLOAD_BYTES);
    // One maximal paste fits in the input burst.
    expect(limits.INPUT_BURST_BYTES).toBeGreaterThanOrEqual(limits.MAX_MESSAGE_BYTES);
  });

  it('leaves room in the message rate for a page acking a full-speed stream', () => {
    const acksPerSecondAt110MBps = (110 * 1024 * 1024) / limits.ACK_SIZE;
    expect(limits.MESSAGE_RATE_PER_S).toBeGreaterThan(acksPerSecondAt110MBps * 1.5);
    expect(limits.MESSAGE_BURST).toBeGreaterThanOrEqual(limits.MESSAGE_RATE_PER_S);
  });

  it('orders the times: a heartbeat notices a dead page well within the grace period', () => {
    expect(2 * limits.HEARTBEAT_MS).toBeLessThan(limits.GRACE_MS);
    expect(limits.GRACE_MS).toBeLessThan(limits.IDLE_MS);
    expect(limits.DATA_FLUSH_MS).toBeLessThan(limits.START_FAILURE_WINDOW_MS);
    expect(limits.MAX_CHANNEL).toBe(255);
  });
});
