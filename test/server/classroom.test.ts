/**
 * The classroom: the presenter's slide reaches every page, late joiners get it in their welcome, the
 * audience can never move it; `--classroom` and TLS resolve once, naming the bad flag.
 */
import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, resolveConfig } from '../../src/server/config.ts';
import { createLabServer } from '../../src/server/lab-server.ts';
import { LabClient } from '../helpers/lab-client.ts';
import { FIXTURE_LABS, scratchDir, startLabServer, writeDistFixture, type TestServer } from '../helpers/lab-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startLabServer();
});
afterAll(async () => {
  await server?.close();
});

describe('the room’s slide', () => {
  it('goes from the presenter to every other page at once, and to late joiners in their welcome', async () => {
    const presenter = await LabClient.open(server);
    const early = await LabClient.open(server, { role: 'audience' });
    presenter.send({ type: 'slide', index: 12 });
    expect(await early.next('slide')).toEqual({ type: 'slide', index: 12 });
    const late = await LabClient.open(server, { role: 'audience' });
    expect(await late.next('welcome')).toMatchObject({ role: 'audience', slide: 12 });
    presenter.send({ type: 'slide', index: 13 });
    await late.next('slide', (m) => m.index === 13);
    // The sender is not told its own move.
    expect(presenter.messages.some((m) => m.type === 'slide')).toBe(false);
    await Promise.all([presenter.close(), early.close(), late.close()]);
  });

  it('refuses the audience’s moves, which reach nobody', async () => {
    const presenter = await LabClient.open(server);
    presenter.send({ type: 'slide', index: 3 });
    const student = await LabClient.open(server, { role: 'audience' });
    const other = await LabClient.open(server, { role: 'audience' });
    student.send({ type: 'slide', index: 40 });
    expect(await student.next('error')).toMatchObject({ code: 'AUDIENCE_FOLLOWS' });
    const welcomed = await LabClient.open(server, { role: 'audience' });
    expect(await welcomed.next('welcome')).toMatchObject({ slide: 3 });
    expect(other.messages.some((m) => m.type === 'slide' && m.index === 40)).toBe(false);
    student.send({ type: 'slide', index: -1 } as never);
    expect(await student.next('error', (m) => m.code === 'BAD_MESSAGE')).toBeDefined();
    await Promise.all([presenter.close(), student.close(), other.close(), welcomed.close()]);
  });
});

describe('--classroom and TLS at start-up', () => {
  it('turns the audience on, warns without TLS, and names the bad flag', () => {
    const config = resolveConfig(['--classroom', '--host', '127.0.0.1'], {});
    expect(config).toMatchObject({ classroom: true, audience: true, host: '127.0.0.1', tls: undefined });
    expect(config.warnings.join('\n')).toMatch(/Salle de classe sans TLS/);
    expect(() => resolveConfig(['--tls-cert', '/nope.pem'], {})).toThrow(/--tls-cert et --tls-key vont ensemble/);
    expect(() => resolveConfig(['--tls-cert', '/nope.pem', '--tls-key', '/nope.key'], {})).toThrow(ConfigError);
    expect(() => resolveConfig(['--tls-cert', '/nope.pem', '--tls-key', '/nope.key'], {})).toThrow(
      /--tls-cert : \/nope\.pem illisible/,
    );
    expect(() =>
      resolveConfig(
        ['--classroom', '--tls-cert', '/etc/hostname', '--tls-key', '/etc/hostname', '--host', '127.0.0.1'],
        {},
      ),
    ).toThrow(/--tls-cert : \/etc\/hostname n’est pas un certificat PEM/);
  });

  it('serves HTTPS and WSS with Secure cookies when given a certificate and its key', async () => {
    const dir = scratchDir('tls');
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const other = join(dir, 'other.pem');
    const openssl = (out: string, keyOut: string): void => {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-keyout',
          keyOut,
          '-out',
          out,
        ],
        { stdio: 'ignore' },
      );
    };
    openssl(cert, key);
    openssl(other, join(dir, 'other.key'));
    expect(() => resolveConfig(['--tls-cert', other, '--tls-key', key], {})).toThrow(
      /--tls-key : .* n’est pas la clé privée/,
    );

    const dist = scratchDir('tls-dist');
    writeDistFixture(dist);
    const config = resolveConfig(
      [
        '--classroom',
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--labs',
        FIXTURE_LABS,
        '--state',
        scratchDir('tls-state'),
        '--dist',
        dist,
        '--tls-cert',
        cert,
        '--tls-key',
        key,
      ],
      {},
    );
    expect(config.warnings.join('\n')).not.toMatch(/sans TLS/);
    const tls = await createLabServer(config);
    try {
      const listening = await tls.listen();
      expect(listening.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const answer = await new Promise<{ status: number; cookie: string; hsts: unknown }>((resolve, reject) => {
        request(listening.audienceUrl ?? '', { rejectUnauthorized: false }, (response) => {
          response.resume();
          const hsts = response.headers['strict-transport-security'];
          resolve({ status: response.statusCode ?? 0, cookie: String(response.headers['set-cookie'] ?? ''), hsts });
        })
          .on('error', reject)
          .end();
      });
      expect(answer.status).toBe(303);
      expect(answer.cookie).toMatch(/HttpOnly; SameSite=Strict; Path=\/; Secure/);
      // __Host-: the browser takes it only Secure, Path=/ and without Domain; the port keeps servers apart.
      expect(answer.cookie).toMatch(new RegExp(`^__Host-co_audience_${listening.port}=[\\w-]{40,};`));
      expect(answer.cookie).not.toMatch(/Domain=/i);
      expect(answer.hsts).toBe('max-age=31536000');
      const socket = new WebSocket(`wss://127.0.0.1:${listening.port}/ws`, {
        rejectUnauthorized: false,
        headers: { Origin: `https://127.0.0.1:${listening.port}`, Cookie: answer.cookie.split(';')[0] ?? '' },
      });
      const welcome = await new Promise<string>((resolve, reject) => {
        socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', version: 1 })));
        socket.once('message', (data: Buffer) => resolve(data.toString()));
        socket.once('error', reject);
      });
      expect(JSON.parse(welcome)).toMatchObject({ type: 'welcome', role: 'audience' });
      socket.terminate();
    } finally {
      await tls.close();
    }
  });
});
