/**
 * Who gets a connection when the room is full: the presenter always (a reserve the audience cannot
 * take), one address never all of them, and sockets that have not authenticated are capped too.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_PENDING_PER_ADDRESS, PRESENTER_RESERVED_CLIENTS } from '../../src/server/server-limits.ts';
import { LabClient } from '../helpers/lab-client.ts';
import { startLabServer, waitUntil, type TestServer } from '../helpers/lab-server.ts';

/** The HTTP status of an upgrade with this cookie (101 when accepted); accepted sockets stay open. */
function upgrade(server: TestServer, cookie: string, open: WebSocket[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, {
      headers: { Origin: server.origin, Cookie: cookie },
    });
    socket.once('open', () => {
      open.push(socket);
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

async function closeAll(sockets: WebSocket[]): Promise<void> {
  for (const socket of sockets.splice(0)) socket.terminate();
}

describe('the presenter’s reserve', () => {
  const MAX = PRESENTER_RESERVED_CLIENTS + 4;
  let server: TestServer;
  const open: WebSocket[] = [];
  beforeAll(async () => {
    server = await startLabServer({ argv: ['--max-clients', String(MAX), '--max-per-address', '1000'] });
  });
  afterAll(async () => {
    await closeAll(open);
    await server?.close();
  });

  it('refuses the audience past max-clients minus the reserve, and still lets the presenter in', async () => {
    const audience = [];
    for (let i = 0; i < MAX; i++) audience.push(await upgrade(server, server.audienceCookie, open));
    expect(audience.filter((status) => status === 101)).toHaveLength(MAX - PRESENTER_RESERVED_CLIENTS);
    expect(audience.filter((status) => status === 503)).toHaveLength(PRESENTER_RESERVED_CLIENTS);
    // The presenter's reload, and a few more pages of it, get in.
    for (let i = 0; i < PRESENTER_RESERVED_CLIENTS; i++)
      expect(await upgrade(server, server.presenterCookie, open)).toBe(101);
    // The server as a whole is full now.
    expect(await upgrade(server, server.presenterCookie, open)).toBe(503);
    const presenter = await LabClient.open(server).catch((error: Error) => error.message);
    expect(presenter).toBe('HTTP 503');
    await closeAll(open);
    await waitUntil(() => server.server.gateway.clientCount === 0, 'the connections to close');
    const back = await LabClient.open(server);
    expect(back.messages[0]).toMatchObject({ type: 'welcome', role: 'presenter' });
    await back.close();
  });
});

describe('the cap per address', () => {
  let server: TestServer;
  const open: WebSocket[] = [];
  beforeAll(async () => {
    server = await startLabServer({ argv: ['--max-per-address', '3'] });
  });
  afterAll(async () => {
    await closeAll(open);
    await server?.close();
  });

  it('refuses a fourth audience connection from one address (loopback included), not the presenter’s', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await upgrade(server, server.audienceCookie, open));
    expect(statuses).toEqual([101, 101, 101, 429]);
    expect(await upgrade(server, server.presenterCookie, open)).toBe(101);
    open.shift()?.terminate();
    await waitUntil(() => server.server.gateway.clientCount === 3, 'one audience connection to close');
    expect(await upgrade(server, server.audienceCookie, open)).toBe(101);
  });
});

describe('sockets that have not authenticated', () => {
  let server: TestServer;
  const raw: Socket[] = [];
  const open: WebSocket[] = [];
  beforeAll(async () => {
    server = await startLabServer();
  });
  afterAll(async () => {
    for (const socket of raw) socket.destroy();
    await closeAll(open);
    await server?.close();
  });

  /** A TCP connection that sends nothing; `closed` tells whether the server cut it. */
  function idleSocket(): Promise<{ closed: boolean }> {
    return new Promise((resolve) => {
      const socket = connect(server.port, '127.0.0.1');
      raw.push(socket);
      const state = { closed: false };
      socket.once('close', () => (state.closed = true));
      socket.on('error', () => undefined);
      socket.once('connect', () => resolve(state));
    });
  }

  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300));

  it('are capped per address; authenticated WebSockets do not count', async () => {
    const { pendingSockets } = server.server;
    // Authenticated connections do not count (the test's own keep-alive fetches may).
    const before = pendingSockets.count;
    for (let i = 0; i < 5; i++) expect(await upgrade(server, server.audienceCookie, open)).toBe(101);
    expect(pendingSockets.count).toBe(before);
    const held = await Promise.all(Array.from({ length: MAX_PENDING_PER_ADDRESS - before }, () => idleSocket()));
    await waitUntil(() => pendingSockets.count === MAX_PENDING_PER_ADDRESS, 'the idle sockets to be counted');
    await settle();
    expect(held.filter((s) => s.closed)).toHaveLength(0);
    const extra = await idleSocket();
    await settle();
    expect(extra.closed).toBe(true);
    // Once those go away, the server answers again.
    for (const socket of raw.splice(0)) socket.destroy();
    await settle();
    expect((await fetch(`${server.origin}/api/status`)).status).toBe(200);
  });
});
