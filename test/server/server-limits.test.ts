import { describe, expect, it } from 'vitest';
import * as shared from '../../src/protocol/limits.ts';
import * as limits from '../../src/server/server-limits.ts';

describe('server limits', () => {
  it('leaves the audience room while always keeping the presenter’s share', () => {
    expect(limits.PRESENTER_RESERVED_CLIENTS).toBeGreaterThanOrEqual(1);
    expect(limits.PRESENTER_RESERVED_CLIENTS).toBeLessThan(shared.MAX_CLIENTS);
    // One address alone cannot take every audience connection.
    expect(limits.MAX_CLIENTS_PER_ADDRESS).toBeLessThan(shared.MAX_CLIENTS - limits.PRESENTER_RESERVED_CLIENTS);
    expect(limits.MAX_PENDING_PER_ADDRESS).toBeLessThan(limits.MAX_PENDING_SOCKETS);
    expect(limits.HEADERS_TIMEOUT_MS).toBeLessThan(limits.REQUEST_TIMEOUT_MS);
  });

  it('lets a reload reattach every channel at once, and no more than a few screens a second after that', () => {
    expect(limits.ATTACH_BURST).toBeGreaterThanOrEqual(shared.MAX_CHANNELS_PER_CLIENT);
    expect(limits.ATTACH_RATE_PER_S).toBeLessThanOrEqual(10);
  });

  it('keeps the send buffer cap above what a reading page may have in flight, and far below the old 24 MiB', () => {
    const perChannel = shared.VIEWER_HIGH_WATERMARK + shared.PTY_READ_MAX_BYTES + shared.BATCH_MAX_BYTES;
    expect(shared.CONNECTION_BUFFER_CAP).toBeGreaterThanOrEqual(shared.MAX_CHANNELS_PER_CLIENT * perChannel);
    expect(shared.CONNECTION_BUFFER_CAP).toBeLessThanOrEqual(12 * 1024 * 1024);
    expect(limits.OVERFLOW_CLOSE_MS).toBeLessThan(shared.HEARTBEAT_MS);
  });
});
