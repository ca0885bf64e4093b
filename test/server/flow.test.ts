import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIGH_WATERMARK, PTY_READ_MAX_BYTES, VIEWER_HIGH_WATERMARK } from '../../src/protocol/limits.ts';
import { LabClient } from '../helpers/lab-client.ts';
import { startLabServer, waitUntil, type TestServer } from '../helpers/lab-server.ts';

const MiB = 1024 * 1024;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('flow control', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startLabServer({ argv: ['--slow-viewer', '2'] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('pauses the pty while the writer’s page lags, and resumes when it acks', async () => {
    const writer = await LabClient.open(server, { ack: false, keep: false });
    await writer.attach(1, 'shell', { room: 'writer-lag' });
    writer.send({ type: 'input', channel: 1, data: 'yes\r' });
    await waitUntil(() => writer.byteCount(1) > HIGH_WATERMARK || undefined, 'the window to fill');
    await pause(500);
    const stalled = writer.byteCount(1);
    await pause(500);
    // Nothing more than what was in flight when the pty was paused.
    expect(writer.byteCount(1)).toBe(stalled);
    expect(stalled).toBeLessThanOrEqual(HIGH_WATERMARK + 2 * PTY_READ_MAX_BYTES);
    writer.ack = true;
    writer.ackAll(1);
    await waitUntil(() => writer.byteCount(1) > stalled + 10 * MiB || undefined, 'the flow to resume');
    writer.send({ type: 'input', channel: 1, data: '\x03' });
    await writer.close();
  });

  it('drops a viewer that stays behind longer than allowed', async () => {
    const writer = await LabClient.open(server, { keep: false });
    await writer.attach(1, 'shell', { room: 'viewer-drop' });
    const viewer = await LabClient.open(server, { role: 'audience', ack: false, keep: false });
    await viewer.attach(2, 'shell', { room: 'viewer-drop' });
    writer.send({ type: 'input', channel: 1, data: 'seq 1 400000\r' });
    await viewer.next('status', (m) => m.state === 'lagging');
    const detached = await viewer.next('detached', () => true, 0, 10_000);
    expect(detached).toEqual({ type: 'detached', channel: 2, reason: 'slow' });
    await Promise.all([writer.close(), viewer.close()]);
  });
});

// A server of its own that waits a minute before dropping a lagging viewer: on a loaded machine the writer's
// 2.7 MB can take longer than the 2 s of the one above, and the viewer would be dropped, not resynchronised.
describe('flow control, with time to catch up', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startLabServer({ argv: ['--slow-viewer', '60'] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('suspends a viewer that does not keep up, then resynchronises it from a snapshot', async () => {
    const writer = await LabClient.open(server);
    await writer.attach(1, 'shell', { room: 'viewer-lag' });
    const viewer = await LabClient.open(server, { role: 'audience', ack: false, keep: false });
    await viewer.attach(2, 'shell', { room: 'viewer-lag' });
    writer.send({ type: 'input', channel: 1, data: 'seq 1 400000; echo fini-$((1))\r' });
    await viewer.next('status', (m) => m.state === 'lagging');
    expect(viewer.byteCount(2)).toBeLessThanOrEqual(VIEWER_HIGH_WATERMARK + 2 * PTY_READ_MAX_BYTES);
    // The writer is not slowed by it: it gets the whole output.
    await writer.waitForOutput(1, 'fini-1');
    const from = viewer.messages.length;
    viewer.ack = true;
    viewer.ackAll(2);
    const snapshot = await viewer.next('snapshot', () => true, from);
    expect(snapshot.data).toContain('fini-1');
    expect(viewer.messages.slice(from).some((m) => m.type === 'detached')).toBe(false);
    await Promise.all([writer.close(), viewer.close()]);
  });
});
