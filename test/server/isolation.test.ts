/**
 * What a lab shell cannot do to the server, with bwrap and without it (--sandbox none): leave a process
 * running past a reset, a session's end or the server's death, whatever it forked; or make the server
 * delete files outside the session directory by swapping a subdirectory for a symlink mid-removal.
 */
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabClient } from '../helpers/lab-client.ts';
import { scratchDir, startLabServer, waitUntil, type TestServer } from '../helpers/lab-server.ts';
import { spawnServer } from '../helpers/server-process.ts';

let markerSeed = 7000 + (process.pid % 1000);
/** A number no other process on the machine has on its command line: `sleep <marker>` is findable. */
function marker(): string {
  markerSeed += 1;
  return `${markerSeed}.${Date.now() % 100_000}`;
}

/** Live processes whose command line holds `needle`. */
function withMarker(needle: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(needle)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Every way a shell can leave a process behind; each one runs `sleep <mark>`. */
function plantAll(mark: string): string {
  return [
    `sleep ${mark} &`,
    `setsid sleep ${mark} &`,
    `nohup sleep ${mark} >/dev/null 2>&1 &`,
    `(setsid sleep ${mark} &);`,
    `(setsid nohup sh -c 'trap "" HUP TERM; sleep ${mark}' >/dev/null 2>&1 &);`,
    `(cd / && setsid sh -c 'sleep ${mark} & exec sleep ${mark}' >/dev/null 2>&1 &);`,
    `sleep ${mark} & disown;`,
    `echo planted-$((6 * 7))`,
  ].join(' ');
}
const PLANTED = 8;

async function shellIn(server: TestServer, room: string): Promise<LabClient> {
  const client = await LabClient.open(server);
  await client.attach(1, 'shell', { room });
  await client.waitForOutput(1, 'lab$ ');
  return client;
}

describe.each([
  { sandbox: 'auto', mode: 'bwrap' },
  { sandbox: 'none', mode: 'pidns' },
])('--sandbox $sandbox', ({ sandbox, mode }) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startLabServer({ argv: ['--sandbox', sandbox, '--grace', '0.3'] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`runs shells with ${mode}`, () => {
    expect(server.server.sandbox.mode).toBe(mode);
  });

  it('a double-forked process is gone after a reset', async () => {
    const client = await shellIn(server, `reset-${sandbox}`);
    const mark = marker();
    client.send({ type: 'input', channel: 1, data: `${plantAll(mark)}\r` });
    await client.waitForOutput(1, 'planted-42');
    await waitUntil(() => withMarker(mark).length >= PLANTED, 'the planted processes');
    client.send({ type: 'reset', channel: 1 });
    await client.next('status', (m) => m.state === 'restarting');
    await waitUntil(() => withMarker(mark).length === 0, 'every planted process to be gone after the reset', 10_000);
    await client.close();
  });

  it('a double-forked process is gone after the session ends', async () => {
    const room = `dispose-${sandbox}`;
    const client = await shellIn(server, room);
    const mark = marker();
    client.send({ type: 'input', channel: 1, data: `${plantAll(mark)}\r` });
    await client.waitForOutput(1, 'planted-42');
    await waitUntil(() => withMarker(mark).length >= PLANTED, 'the planted processes');
    const session = server.server.registry.find(room, 'shell');
    await client.close();
    await session?.closed;
    expect(withMarker(mark)).toEqual([]);
  });
});

describe('the server killed outright, without bwrap', () => {
  it('takes every process its lab shells planted with it', async () => {
    const killed = await spawnServer(['--sandbox', 'none']);
    try {
      const client = await LabClient.open(killed.target);
      await client.attach(1, 'shell', { room: 'sigkill' });
      await client.waitForOutput(1, 'lab$ ');
      const mark = marker();
      client.send({ type: 'input', channel: 1, data: `${plantAll(mark)}\r` });
      await client.waitForOutput(1, 'planted-42');
      await waitUntil(() => withMarker(mark).length >= PLANTED, 'the planted processes');
      killed.child.kill('SIGKILL');
      await killed.exited;
      await waitUntil(() => withMarker(mark).length === 0, 'no planted process left', 5000);
      client.terminate();
    } finally {
      killed.cleanup();
    }
  });
});

/**
 * The lab account races the removal of a session directory: it keeps swapping w/d, a directory holding
 * the canary's file names, for a symlink to a root-owned canary directory, thousands of times a second
 * (Python: a shell loop forks too slowly to win). Against fs.rm run as root this emptied half the
 * canary in 300 removals; removing must never delete a canary file.
 */
const RACER = `import os, sys
session, canary = sys.argv[1], sys.argv[2]
w, d, x = session + '/w', session + '/w/d', session + '/w/x'
while True:
    try:
        os.makedirs(d, exist_ok=True)
        for n in range(200):
            open('%s/f%d' % (d, n), 'a').close()
    except OSError:
        continue
    for i in range(300):
        try:
            os.rename(d, x)
            os.symlink(canary, d)
        except OSError:
            pass
        try:
            os.unlink(d)
            os.rename(x, d)
        except OSError:
            pass
`;

describe.runIf(process.getuid?.() === 0)('removing a session directory, started as root', () => {
  let server: TestServer;
  let canary: string;
  const canaryFiles = (): number => readdirSync(canary).length;
  beforeAll(async () => {
    server = await startLabServer({ argv: ['--sandbox', 'none', '--grace', '0.3'] });
    canary = scratchDir('lab-canary');
    for (let i = 0; i < 200; i++) writeFileSync(join(canary, `f${i}`), 'root’s file\n');
  });
  afterAll(async () => {
    await server?.close();
    rmSync(canary, { recursive: true, force: true });
  });

  it('never follows a symlink the lab account swaps in mid-removal', async () => {
    const { account } = server.server.sandbox;
    if (!account) throw new Error('a root server drops to the lab account');
    const parent = scratchDir('lab-race');
    const session = join(parent, 's');
    const racer = spawn(
      'setpriv',
      [
        `--reuid=${account.uid}`,
        `--regid=${account.gid}`,
        '--init-groups',
        '/usr/bin/python3',
        '-c',
        RACER,
        session,
        canary,
      ],
      { stdio: 'ignore' },
    );
    try {
      for (let round = 0; round < 30; round++) {
        mkdirSync(session, { recursive: true });
        chownSync(session, account.uid, account.gid);
        // The racer is at work again (it fills w/d, then swaps it) before each removal.
        await waitUntil(
          () => existsSync(join(session, 'w', 'x')) || existsSync(join(session, 'w', 'd', 'f199')),
          'the racer',
          5000,
        );
        await server.server.sandbox.removeSessionDir(session);
      }
    } finally {
      racer.kill('SIGKILL');
      rmSync(parent, { recursive: true, force: true });
    }
    expect(canaryFiles()).toBe(200);
  }, 120_000);

  it('never follows one during a reset or at the end of a session either', async () => {
    const room = 'race';
    const client = await shellIn(server, room);
    for (let round = 0; round < 4; round++) {
      client.clearOutput(1);
      const racer = RACER.replaceAll("'", "'\\''");
      client.send({
        type: 'input',
        channel: 1,
        data: `(setsid /usr/bin/python3 -c '${racer}' "$PWD" ${canary} >/dev/null 2>&1 &); echo racing-$((5 * 5))\r`,
      });
      await client.waitForOutput(1, 'racing-25');
      await new Promise((resolve) => setTimeout(resolve, 300));
      client.send({ type: 'reset', channel: 1 });
      await client.next('status', (m) => m.state === 'restarting', client.messages.length);
      await client.waitForOutput(1, 'lab$ ');
    }
    const session = server.server.registry.find(room, 'shell');
    await client.close();
    await session?.closed;
    expect(canaryFiles()).toBe(200);
  });

  it('tells the pane when the old directory cannot be removed, and the session keeps working', async () => {
    const client = await shellIn(server, 'stuck');
    client.send({ type: 'input', channel: 1, data: 'echo "dir=$PWD"\r' });
    const dir = /dir=(\/\S+)/.exec(await client.waitForOutput(1, /dir=\/\S+\r/))?.[1] ?? '';
    // Something the lab account cannot delete: a root-owned directory holding a file.
    mkdirSync(join(dir, 'root-only'));
    writeFileSync(join(dir, 'root-only', 'file'), 'x\n');
    chownSync(join(dir, 'root-only'), 0, 0);
    client.send({ type: 'reset', channel: 1 });
    const error = await client.next('error', (m) => m.code === 'LAB_CLEANUP_FAILED');
    expect(error.message).toMatch(/dossier/);
    await client.waitForOutput(1, 'lab$ ');
    client.clearOutput(1);
    client.send({ type: 'input', channel: 1, data: 'echo still-$((3 * 3))\r' });
    await client.waitForOutput(1, 'still-9');
    expect(existsSync(join(dir, 'root-only', 'file'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
    await client.close();
  });
});
