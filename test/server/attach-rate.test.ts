/**
 * A page looping over attach/detach costs the server a full screen each time: it is paced (an error with
 * a code, the connection stays), and a page that stops reading is closed past the send buffer cap
 * instead of holding the server's memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACH_BURST, ATTACH_RATE_PER_S } from '../../src/server/server-limits.ts';
import { LabClient } from '../helpers/lab-client.ts';
import { startLabServer, waitUntil, type TestServer } from '../helpers/lab-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startLabServer();
});
afterAll(async () => {
  await server?.close();
});

async function presenterIn(room: string, keep = true): Promise<LabClient> {
  const presenter = await LabClient.open(server, { keep });
  await presenter.attach(1, 'shell', { room });
  // Without kept output (a flood follows), the prompt's bytes are all there is to wait for.
  if (keep) await presenter.waitForOutput(1, 'lab$ ');
  else await presenter.until(() => presenter.byteCount(1) > 0 || undefined, 'the prompt');
  return presenter;
}

describe('attach and detach in a loop', () => {
  it('sends a few screens a second at most, says why the others are refused, and keeps the page connected', async () => {
    const presenter = await presenterIn('loop');
    const student = await LabClient.open(server, { role: 'audience' });
    const started = performance.now();
    for (let i = 0; i < 300; i++) {
      student.send({ type: 'attach', channel: 1, lab: 'shell', room: 'loop', cols: 80, rows: 24, mode: 'view' });
      student.send({ type: 'detach', channel: 1 });
    }
    await student.next('error', (m) => m.code === 'ATTACH_RATE_LIMITED');
    // Every attach got its answer: a screen, or the refusal.
    const count = (): { snapshots: number; refused: number } => ({
      snapshots: student.messages.filter((m) => m.type === 'snapshot').length,
      refused: student.messages.filter((m) => m.type === 'error' && m.code === 'ATTACH_RATE_LIMITED').length,
    });
    await student.until(
      () => (count().snapshots + count().refused === 300 ? true : undefined),
      'an answer to each attach',
    );
    const elapsed = (performance.now() - started) / 1000;
    expect(count().snapshots).toBeLessThanOrEqual(ATTACH_BURST + Math.ceil(ATTACH_RATE_PER_S * elapsed) + 1);
    const refusal = student.messages.find((m) => m.type === 'error' && m.code === 'ATTACH_RATE_LIMITED');
    expect(refusal).toMatchObject({
      channel: 1,
      message: expect.stringContaining('Trop de demandes'),
      hint: expect.stringContaining('Patientez'),
    });
    expect(student.closed).toBe(false);
    // After a pause the page attaches normally again.
    await new Promise((resolve) => setTimeout(resolve, 1000 / ATTACH_RATE_PER_S + 50));
    const { attached } = await student.attach(2, 'shell', { room: 'loop', mode: 'view' });
    expect(attached.role).toBe('viewer');
    await Promise.all([student.close(), presenter.close()]);
  });

  it('lets a reload reattach every channel at once', async () => {
    const presenter = await presenterIn('reload');
    const page = await LabClient.open(server, { role: 'audience' });
    for (let channel = 1; channel <= 8; channel++) {
      page.send({ type: 'attach', channel, lab: 'shell', room: 'reload', cols: 80, rows: 24, mode: 'view' });
    }
    await page.until(
      () => (page.messages.filter((m) => m.type === 'attached').length === 8 ? true : undefined),
      'eight attachments',
    );
    expect(page.messages.filter((m) => m.type === 'error')).toEqual([]);
    await Promise.all([page.close(), presenter.close()]);
  });
});

describe('a page that stops reading', () => {
  it('is closed once its send buffer passes the cap, and the others go on', { timeout: 40_000 }, async () => {
    const presenter = await presenterIn('flood', false);
    // Output that never ends while the presenter acks it.
    presenter.send({ type: 'input', channel: 1, data: 'while :; do cat /etc/services; done\r' });
    const student = await LabClient.open(server, { role: 'audience' });
    student.stall();
    const clients = server.server.gateway.clientCount;
    // Each attach is a fresh window of live output (VIEWER_HIGH_WATERMARK) the stalled page never reads:
    // four channels stay attached for a second each, in turn.
    let turn = 0;
    const loop = setInterval(() => {
      const channel = (turn % 8) + 1;
      student.send({ type: 'detach', channel: ((turn + 4) % 8) + 1 });
      student.send({ type: 'attach', channel, lab: 'shell', room: 'flood', cols: 80, rows: 24, mode: 'view' });
      turn++;
    }, 1000 / ATTACH_RATE_PER_S);
    try {
      await waitUntil(() => server.server.gateway.clientCount === clients - 1, 'the stalled page to be closed', 30_000);
    } finally {
      clearInterval(loop);
    }
    student.unstall();
    await student.until(() => student.closed || undefined, 'the stalled page’s socket to close');
    presenter.send({ type: 'input', channel: 1, data: '\u0003' });
    presenter.send({ type: 'input', channel: 1, data: 'echo alive-$((2 * 21))\r' });
    await presenter.until(
      () => (presenter.closed ? undefined : presenter.byteCount(1) > 0 || undefined),
      'the presenter still served',
    );
    expect(presenter.closed).toBe(false);
    await presenter.close();
  });
});
