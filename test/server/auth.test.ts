import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../src/protocol/limits.ts';
import { LabClient } from '../helpers/lab-client.ts';
import { descendantsOf, startLabServer, type TestServer } from '../helpers/lab-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startLabServer();
});
afterAll(async () => {
  await server?.close();
});

/** The HTTP status of a WebSocket upgrade to `path` with these headers (101 when accepted). */
function upgrade(headers: Record<string, string>, path = '/ws'): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
    socket.once('open', () => {
      socket.terminate();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${server.origin}${path}`, { redirect: 'manual', headers });
}

describe('token exchange', () => {
  it('swaps the start URL’s token for an HttpOnly SameSite cookie and drops it from the address', async () => {
    const token = new URL(server.url).searchParams.get('token') ?? '';
    const response = await get(`/diapo/?x=1&token=${token}`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/diapo/?x=1');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^co_presenter_${server.port}=[\\w-]{40,}; HttpOnly; SameSite=Strict; Path=/$`));
    expect(cookie).not.toContain(token);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('refuses a wrong token, and the audience token as a presenter token', async () => {
    const audience = new URL(server.server.urls(server.port).audienceUrl ?? '').searchParams.get('audience') ?? '';
    for (const token of ['nope', audience, '']) {
      const response = await get(`/?token=${token}`);
      expect(response.status).toBe(403);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  it('gives the audience its own cookie', async () => {
    const response = await get(
      `/?audience=${new URL(server.server.urls(server.port).audienceUrl ?? '').searchParams.get('audience')}`,
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toMatch(
      new RegExp(`^co_audience_${server.port}=[\\w-]{40,}; HttpOnly; SameSite=Strict; Path=/$`),
    );
  });

  it('never redirects off-site', async () => {
    const token = new URL(server.url).searchParams.get('token') ?? '';
    const location = await new Promise<string | undefined>((resolve) => {
      request({ host: '127.0.0.1', port: server.port, path: `//evil.example/?token=${token}` }, (response) => {
        resolve(response.headers.location);
        response.resume();
      }).end();
    });
    expect(location).toBe('/');
  });
});

describe('the WebSocket upgrade', () => {
  it('accepts the presenter and the audience from an allowed origin', async () => {
    expect(await upgrade({ Origin: server.origin, Cookie: server.presenterCookie })).toBe(101);
    expect(await upgrade({ Origin: `http://localhost:${server.port}`, Cookie: server.audienceCookie })).toBe(101);
  });

  it('refuses a missing or wrong cookie (401) and a foreign or missing Origin (403), before spawning anything', async () => {
    const before = descendantsOf(process.pid);
    expect(await upgrade({ Origin: server.origin })).toBe(401);
    expect(await upgrade({ Origin: server.origin, Cookie: `co_presenter_${server.port}=guess` })).toBe(401);
    expect(await upgrade({ Origin: server.origin, Cookie: `${server.presenterCookie}x` })).toBe(401);
    expect(await upgrade({ Origin: 'http://evil.example', Cookie: server.presenterCookie })).toBe(403);
    expect(await upgrade({ Origin: `http://127.0.0.1:${server.port + 1}`, Cookie: server.presenterCookie })).toBe(403);
    expect(await upgrade({ Origin: `${server.origin}/`, Cookie: server.presenterCookie })).toBe(403);
    expect(await upgrade({ Cookie: server.presenterCookie })).toBe(403);
    expect(await upgrade({ Origin: server.origin, Cookie: server.presenterCookie }, '/autre')).toBe(404);
    expect(descendantsOf(process.pid)).toEqual(before);
  });
});

describe('two servers on one host', () => {
  it('keep their cookies apart: a browser sends both to each port, each server reads its own', async () => {
    const other = await startLabServer();
    try {
      const names = [server, other].flatMap((s) => [s.presenterCookie, s.audienceCookie].map((c) => c.split('=')[0]));
      expect(new Set(names).size).toBe(4);
      // The browser holds the presenter cookie of one server and the audience cookie of the other.
      const jar = `${server.audienceCookie}; ${other.presenterCookie}`;
      const role = async (s: TestServer) =>
        ((await (await fetch(`${s.origin}/api/status`, { headers: { Cookie: jar } })).json()) as { role: string }).role;
      expect(await role(server)).toBe('audience');
      expect(await role(other)).toBe('presenter');
    } finally {
      await other.close();
    }
  });
});

describe('the audience', () => {
  it('is told its role, cannot open a session, and only ever views one', async () => {
    const student = await LabClient.open(server, { role: 'audience' });
    expect(student.messages[0]).toMatchObject({ type: 'welcome', version: PROTOCOL_VERSION, role: 'audience' });
    const before = descendantsOf(process.pid);
    student.send({ type: 'attach', channel: 1, lab: 'shell', room: 'cours', cols: 80, rows: 24 });
    await student.next('error', (m) => m.channel === 1 && m.code === 'SESSION_NOT_FOUND');
    expect(descendantsOf(process.pid)).toEqual(before);
    expect(server.server.registry.find('cours', 'shell')).toBeUndefined();

    const presenter = await LabClient.open(server);
    await presenter.attach(1, 'shell', { room: 'cours' });
    await presenter.waitForOutput(1, 'lab$ ');
    const { attached } = await student.attach(2, 'shell', { room: 'cours', mode: 'write' });
    expect(attached.role).toBe('viewer');
    student.send({ type: 'input', channel: 2, data: 'echo audience-was-here\r' });
    student.send({ type: 'run', channel: 2, commandId: 'hello' });
    student.send({ type: 'reset', channel: 2 });
    student.send({ type: 'resize', channel: 2, cols: 100, rows: 40 });
    await student.next('error', (m) => m.code === 'READ_ONLY');
    await student.until(
      () => student.messages.filter((m) => m.type === 'error' && m.code === 'NOT_WRITER').length === 3 || undefined,
      'refusals',
    );
    presenter.send({ type: 'input', channel: 1, data: 'echo presenter-$((1))\r' });
    await student.waitForOutput(2, 'presenter-1');
    expect(presenter.text(1)).not.toContain('audience-was-here');
    expect(presenter.text(1)).not.toContain('run-42');
    expect(presenter.messages.some((m) => m.type === 'status' && m.state === 'restarting')).toBe(false);
    await Promise.all([student.close(), presenter.close()]);
  });
});

describe('GET /api/status', () => {
  it('needs a cookie, and tells the role and the labs’ readiness', async () => {
    // Without a cookie: no role, no labs, a hint; 200 so the page's probe is not a console error.
    const stranger = await get('/api/status');
    expect(stranger.status).toBe(200);
    expect(await stranger.json()).toEqual({
      version: 1,
      role: null,
      labs: [],
      error: expect.stringContaining('Non connecté'),
    });
    const presenter = await get('/api/status', { Cookie: server.presenterCookie });
    expect(presenter.status).toBe(200);
    expect(presenter.headers.get('cache-control')).toBe('no-store');
    const body = (await presenter.json()) as { role: string; labs: { id: string; ready: boolean }[] };
    expect(body.role).toBe('presenter');
    expect(body.labs).toContainEqual(expect.objectContaining({ id: 'missing-tool', ready: false }));
    const audience = (await (await get('/api/status', { Cookie: server.audienceCookie })).json()) as { role: string };
    expect(audience.role).toBe('audience');
  });
});
