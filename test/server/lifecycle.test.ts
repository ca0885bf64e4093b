import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../../src/server/labs.ts';
import { DEFAULT_PATH } from '../../src/server/env.ts';
import { resolveConfig } from '../../src/server/config.ts';
import { resolveSandbox, SandboxError } from '../../src/server/sandbox.ts';
import { LabClient } from '../helpers/lab-client.ts';
import {
  descendantsOf,
  processesOf,
  scratchDir,
  startLabServer,
  waitUntil,
  type TestServer,
} from '../helpers/lab-server.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';

const HAS_QEMU = findOnPath('qemu-system-x86_64', DEFAULT_PATH) !== undefined;
/** A qemu that runs until killed and costs nothing: no machine, no CPU, no display. */
const QEMU = 'qemu-system-x86_64 -machine none -display none -monitor none -serial none -nodefaults -S';
const JOBS = `sleep 1000 & setsid sleep 1001 & nohup sleep 1002 >/dev/null 2>&1 & ${HAS_QEMU ? `${QEMU} &` : ''} echo jobs-$((7 * 6))\r`;

function alive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The command name of a process, or '' once it is gone (short-lived helpers vanish mid-listing). */
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** A presenter page with a shell running background jobs (qemu included when installed); their pids. */
async function busyShell(
  target: TestServer,
  shellParent: number,
  room: string,
): Promise<{ client: LabClient; pids: number[] }> {
  const client = await LabClient.open(target);
  await client.attach(1, 'shell', { room });
  await client.waitForOutput(1, 'lab$ ');
  const before = new Set(descendantsOf(shellParent));
  client.send({ type: 'input', channel: 1, data: JOBS });
  await client.waitForOutput(1, 'jobs-42');
  const expected = HAS_QEMU ? 4 : 3;
  const pids = await waitUntil(() => {
    const jobs = descendantsOf(shellParent).filter((pid) => !before.has(pid));
    const comm = jobs.map((pid) => commandOf(pid));
    return comm.filter((c) => c === 'sleep' || c.startsWith('qemu')).length >= expected
      ? descendantsOf(shellParent)
      : undefined;
  }, 'the background jobs');
  return { client, pids };
}

describe('in-process lifecycle', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startLabServer({ argv: ['--grace', '1', '--idle', '1.5'] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('ends an idle session, telling its pages, and leaves no process behind', async () => {
    const { client, pids } = await busyShell(server, process.pid, 'idle');
    const detached = await client.next('detached', (m) => m.reason === 'idle', 0, 10_000);
    expect(detached.channel).toBe(1);
    await waitUntil(() => pids.every((pid) => !alive(pid)), 'every process of the idle session to be gone');
    await client.close();
  });

  it('leaves nothing behind when the shell exits by itself', async () => {
    const { client, pids } = await busyShell(server, process.pid, 'exit');
    client.send({ type: 'input', channel: 1, data: 'exit\r' });
    await client.next('exit', (m) => m.channel === 1);
    await waitUntil(() => pids.every((pid) => !alive(pid)), 'the jobs of the exited shell to be gone');
    await client.close();
  });

  it('leaves nothing behind after the last page detaches and the grace period ends', async () => {
    const { client, pids } = await busyShell(server, process.pid, 'detach');
    client.send({ type: 'detach', channel: 1 });
    await client.next('detached', (m) => m.reason === 'request');
    await waitUntil(() => pids.every((pid) => !alive(pid)), 'the jobs to be gone after the grace period');
    await client.close();
  });

  it('removes the session’s working directory with it', async () => {
    const client = await LabClient.open(server);
    await client.attach(1, 'shell', { room: 'dir' });
    client.send({ type: 'input', channel: 1, data: 'touch made-here; echo "dir=$PWD"\r' });
    const dir = /dir=(\/\S+)/.exec(await client.waitForOutput(1, `dir=${server.stateDir}`))?.[1] ?? '';
    expect(existsSync(`${dir}/made-here`)).toBe(true);
    client.terminate();
    await waitUntil(() => !existsSync(dir), 'the working directory to be removed');
  });
});

describe('the server process', () => {
  let proc: ServerProcess | undefined;
  afterAll(() => proc?.cleanup());

  it('prints the URL to open, the audience URL and which labs are ready or why not', async () => {
    proc = await spawnServer();
    const output = proc.output();
    expect(output).toMatch(/Ouvrez : http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}/);
    expect(output).toMatch(/Public \(lecture seule\) : http:\/\/127\.0\.0\.1:\d+\/\?audience=[\w-]{40,}/);
    expect(output).toContain('✓ shell — Shell de test');
    expect(output).toContain(
      '✗ missing-tool — Lab sans son outil : qemu-img-absent-for-tests manquant : lancez npm run setup',
    );
  });

  it('on SIGTERM stops every lab process (qemu included), tells the pages, and exits 0', async () => {
    if (!proc) throw new Error('no server');
    const pid = proc.child.pid ?? -1;
    const { client, pids } = await busyShell(proc.target, pid, 'sigterm');
    expect(pids.length).toBeGreaterThanOrEqual(4);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(client.messages).toContainEqual({ type: 'detached', channel: 1, reason: 'shutdown' });
    await waitUntil(() => pids.every((p) => !alive(p)), 'every lab process to be gone');
    await client.until(() => client.closed || undefined, 'the socket to close');
  });

  it('still stops on SIGTERM when the terminal that started it has gone (writes fail with EPIPE)', async () => {
    const orphan = await spawnServer();
    try {
      // The reading ends of its stdout and stderr close, as when the ssh session or window is gone.
      orphan.child.stdout?.destroy();
      orphan.child.stderr?.destroy();
      orphan.child.kill('SIGTERM');
      expect(await orphan.exited).toBe(0);
    } finally {
      orphan.cleanup();
    }
  });

  it('when killed outright, its lab processes die with it', async () => {
    const killed = await spawnServer();
    try {
      const pid = killed.child.pid ?? -1;
      const { client, pids } = await busyShell(killed.target, pid, 'sigkill');
      const sids = [
        ...new Set(
          pids.filter(alive).map((p) => Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ')[3])),
        ),
      ];
      killed.child.kill('SIGKILL');
      await killed.exited;
      await waitUntil(() => pids.every((p) => !alive(p)) && processesOf(sids).length === 0, 'the orphans to die');
      client.terminate();
    } finally {
      killed.cleanup();
    }
  });
});

describe.skipIf(process.getuid?.() !== 0)('started as root', () => {
  it('refuses to start without the lab account, naming the fix', () => {
    const config = resolveConfig(['--lab-user', 'no-such-account', '--state', scratchDir('lab-no-user')], {});
    expect(() => resolveSandbox(config)).toThrow(SandboxError);
    expect(() => resolveSandbox(config)).toThrow('labs/setup-user.sh');
  });

  it('exits with that message from main.ts', async () => {
    await expect(spawnServer(['--lab-user', 'no-such-account'])).rejects.toThrow(
      /compte « no-such-account »[^\n]*setup-user\.sh/,
    );
  });
});
