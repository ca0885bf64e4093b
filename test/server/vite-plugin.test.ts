import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import WebSocket from 'ws';
import { labServerPlugin } from '../../src/server/vite-plugin.ts';
import { LabClient } from '../helpers/lab-client.ts';
import { ensureLabUser, FIXTURE_LABS, scratchDir, writeDistFixture, type TestServer } from '../helpers/lab-server.ts';

let vite: ViteDevServer;
let target: TestServer;
let logged = '';
const root = scratchDir('lab-vite-root');
const state = scratchDir('lab-vite-state');

beforeAll(async () => {
  ensureLabUser();
  writeDistFixture(root);
  vite = await createServer({
    configFile: false,
    root,
    logLevel: 'info',
    customLogger: {
      info: (message: string) => (logged += `${message}\n`),
      warn: () => undefined,
      warnOnce: () => undefined,
      error: () => undefined,
      clearScreen: () => undefined,
      hasErrorLogged: () => false,
      hasWarned: false,
    },
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: true },
    plugins: [labServerPlugin({ argv: ['--labs', FIXTURE_LABS, '--state', state], env: { LANG: 'C.UTF-8' } })],
  });
  await vite.listen();
  const { port } = vite.httpServer?.address() as AddressInfo;
  const url = /Ouvrez : (\S+)/.exec(logged)?.[1] ?? '';
  expect(url).toContain(`http://127.0.0.1:${port}/?token=`);
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(303);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  target = {
    port,
    origin: `http://127.0.0.1:${port}`,
    presenterCookie: cookie,
    audienceCookie: '',
  } as unknown as TestServer;
}, 60_000);

afterAll(async () => {
  await vite?.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
});

describe('labServerPlugin (npm run dev)', () => {
  it('serves live panes on Vite’s own port, next to the deck and its hot reload', async () => {
    const page = await fetch(`${target.origin}/`, { headers: { Cookie: target.presenterCookie } });
    expect(await page.text()).toContain('/@vite/client');
    const client = await LabClient.open(target);
    await client.attach(1, 'shell');
    client.send({ type: 'input', channel: 1, data: 'echo dev-$((1 + 1))\r' });
    await client.waitForOutput(1, 'dev-2');
    await client.close();
  });

  it('leaves Vite’s HMR socket alone and still checks Origin and cookie on /ws', async () => {
    // No Origin: Vite then skips its own token check (it has one for browsers).
    const hmr = new WebSocket(`ws://127.0.0.1:${target.port}/`, 'vite-hmr');
    await new Promise((resolve, reject) => {
      hmr.once('message', resolve);
      hmr.once('error', reject);
    });
    hmr.terminate();
    await expect(LabClient.connect(target, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(LabClient.connect(target, { role: 'none' })).rejects.toThrow('HTTP 401');
  });
});
