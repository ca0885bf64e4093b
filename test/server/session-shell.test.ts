import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorValue } from '../../src/protocol/errors.ts';
import { DATA_FLUSH_MS, START_FAILURE_WINDOW_MS } from '../../src/protocol/limits.ts';
import { resolveConfig, type ResolvedConfig } from '../../src/server/config.ts';
import { loadLabs, type LabDefinition } from '../../src/server/labs.ts';
import type { PtyExit } from '../../src/server/pty-host.ts';
import { resolveSandbox, type Sandbox } from '../../src/server/sandbox.ts';
import { parseScheduler } from '../../src/server/screen.ts';
import { SessionShell } from '../../src/server/session-shell.ts';
import {
  descendantsOf,
  ensureLabUser,
  FIXTURE_LABS,
  processesOf,
  scratchDir,
  waitUntil,
} from '../helpers/lab-server.ts';

const parse = parseScheduler();
let stateDir: string;
let config: ResolvedConfig;
let sandbox: Sandbox;
let room = 0;

beforeAll(() => {
  ensureLabUser();
  stateDir = scratchDir('shell-state');
  config = resolveConfig(['--labs', FIXTURE_LABS, '--state', stateDir], { LANG: 'C.UTF-8' });
  sandbox = resolveSandbox(config);
});
afterAll(() => {
  parse.dispose();
  rmSync(stateDir, { recursive: true, force: true });
  // node-pty forks the shells from this process: none may be left.
  expect(descendantsOf(process.pid)).toEqual([]);
});

function lab(id: string): LabDefinition {
  const found = loadLabs(FIXTURE_LABS).labs.get(id);
  if (!found) throw new Error(`no fixture lab ${id}`);
  return found;
}

/** A shell of fixture lab `id`, and everything it told. */
function shellOf(id: string, options: { readonly config?: ResolvedConfig } = {}) {
  const told = { output: '', exits: [] as { exit: PtyExit; why: ErrorValue | undefined }[], cleanup: [] as string[] };
  const shell = new SessionShell(
    { lab: lab(id), room: `r${++room}`, config: options.config ?? config, sandbox, parse },
    80,
    24,
    {
      output: (chunk) => (told.output += chunk.toString('utf8')),
      exited: (exit, why) => told.exits.push({ exit, why }),
      cleanupFailed: (problem) => told.cleanup.push(problem),
    },
  );
  return { shell, told };
}

describe('SessionShell', () => {
  it('runs the lab’s shell in a directory of its own, shows its output and draws its screen', async () => {
    const { shell, told } = shellOf('shell');
    expect(existsSync(shell.dir)).toBe(true);
    expect(shell.dir.startsWith(join(stateDir, 'labs', 'shell'))).toBe(true);
    shell.start();
    expect(shell.exited).toBe(false);
    await waitUntil(() => told.output.includes('lab$ '), 'the prompt');
    shell.write('echo "home=$HOME pwd=$PWD"\r');
    await waitUntil(
      () => told.output.includes(`home=${shell.dir} pwd=${shell.dir}`),
      'the shell to run in its directory',
    );
    expect(shell.snapshot().data).toContain(`home=${shell.dir}`);
    expect(shell.size).toEqual({ cols: 80, rows: 24 });
    shell.resize(100, 30);
    expect(shell.snapshot()).toMatchObject({ cols: 100, rows: 30 });
    shell.dispose();
    await shell.closed;
  });

  it('runs a check as the shell runs: same directory, same environment', () => {
    const { shell } = shellOf('shell');
    const { file, args, cwd, env } = shell.checkSpawn('echo "$FROM_LAB:$HOME:$PWD"');
    const result = spawnSync(file, [...args], { cwd, env, encoding: 'utf8' });
    expect(result.stdout.trim()).toBe(`lab-value:${shell.dir}:${shell.dir}`);
    shell.dispose();
    return shell.closed;
  });

  it('disposes once: its processes go, then its directory, and nothing more is typed or told', async () => {
    const { shell, told } = shellOf('shell');
    shell.start();
    await waitUntil(() => told.output.includes('lab$ '), 'the prompt');
    shell.write('sleep 1000 & echo "job-$((6 * 7))"\r');
    await waitUntil(() => told.output.includes('job-42'), 'the background job');
    const pid = shell.pid ?? -1;
    shell.dispose();
    shell.dispose();
    expect(shell.exited).toBe(true);
    expect(shell.pid).toBeUndefined();
    shell.write('echo too-late\r');
    await shell.closed;
    expect(existsSync(shell.dir)).toBe(false);
    // The shell's whole session, its background job included.
    expect(processesOf([pid])).toEqual([]);
    // A disposed shell says nothing of its end: the session has moved on (a reset) or ended.
    await new Promise((resolve) => setTimeout(resolve, DATA_FLUSH_MS + 50));
    expect(told.exits).toEqual([]);
    expect(told.output).not.toContain('too-late');
  });

  it('tells its exit once the last output had time to arrive, and why when it did not start', async () => {
    const { shell, told } = shellOf('shell');
    shell.start();
    await waitUntil(() => told.output.includes('lab$ '), 'the prompt');
    // Past the start-up window: this exit is the shell's own, not a failure to start.
    await new Promise((resolve) => setTimeout(resolve, START_FAILURE_WINDOW_MS + 100));
    shell.write('exit 4\r');
    const [told4] = await waitUntil(() => told.exits.length > 0 && told.exits, 'the exit');
    expect(told4).toEqual({ exit: { code: 4, signal: null }, why: undefined });
    expect(shell.exited).toBe(true);
    shell.dispose();
    await shell.closed;

    const early = shellOf('early-exit');
    early.shell.start();
    const [first] = await waitUntil(() => early.told.exits.length > 0 && early.told.exits, 'the early exit');
    expect(first?.why).toMatchObject({ code: 'LAB_START_FAILED' });
    early.shell.dispose();

    const setup = shellOf('setup-fails');
    setup.shell.start();
    const [failed] = await waitUntil(() => setup.told.exits.length > 0 && setup.told.exits, 'the setup failure');
    expect(failed?.why).toMatchObject({ code: 'LAB_SETUP_FAILED' });
    setup.shell.dispose();
    await Promise.all([early.shell.closed, setup.shell.closed]);
  });

  it('makes nothing when its directory cannot be made', () => {
    const blocked = join(stateDir, 'not-a-dir');
    writeFileSync(blocked, '');
    const blockedConfig = resolveConfig(['--labs', FIXTURE_LABS, '--state', blocked], { LANG: 'C.UTF-8' });
    expect(() => shellOf('shell', { config: blockedConfig })).toThrow();
  });
});
