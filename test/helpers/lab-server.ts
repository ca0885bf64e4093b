/**
 * A real lab server on 127.0.0.1 (port 0) for one test file: fixture labs, a throwaway state directory
 * and a tiny built-deck fixture, the presenter and audience cookies already exchanged. close() ends it
 * and checks that none of the shells it started left a process behind.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/server/config.ts';
import { createLabServer, type LabServer } from '../../src/server/lab-server.ts';
import { listProcesses } from '../../src/server/processes.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const FIXTURE_LABS = join(ROOT, 'test', 'fixtures', 'labs');

/** Lab shells run as cours-lab when the tests run as root (as in CI): make sure the account exists. */
export function ensureLabUser(): void {
  if (process.getuid?.() !== 0) return;
  if (spawnSync('id', ['-u', 'cours-lab']).status === 0) return;
  execFileSync('bash', [join(ROOT, 'labs', 'setup-user.sh')], { stdio: 'ignore' });
}

/** A scratch directory the lab account can traverse (mkdtemp makes 0700 ones). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export function writeDistFixture(dir: string): void {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  mkdirSync(join(dir, 'img'), { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>deck</title><script type="module" src="./assets/deck-abc123.js"></script>\n',
  );
  writeFileSync(join(dir, 'assets', 'deck-abc123.js'), 'console.log("deck");\n');
  writeFileSync(join(dir, 'assets', 'deck-abc123.css'), 'body { margin: 0 }\n');
  writeFileSync(join(dir, 'img', 'figure.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
}

export interface TestServer {
  readonly server: LabServer;
  readonly port: number;
  readonly origin: string;
  readonly url: string;
  readonly stateDir: string;
  readonly distDir: string;
  /** `Cookie` header values granting each role. */
  readonly presenterCookie: string;
  readonly audienceCookie: string;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

async function exchange(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  const setCookie = response.headers.get('set-cookie');
  if (response.status !== 303 || !setCookie) throw new Error(`token exchange failed: ${response.status}`);
  return setCookie.split(';')[0] ?? '';
}

export async function startLabServer(options: StartOptions = {}): Promise<TestServer> {
  ensureLabUser();
  const stateDir = scratchDir('lab-state');
  const distDir = scratchDir('lab-dist');
  writeDistFixture(distDir);
  const config = resolveConfig(
    [
      '--port',
      '0',
      '--labs',
      FIXTURE_LABS,
      '--state',
      stateDir,
      '--dist',
      distDir,
      '--audience',
      ...(options.argv ?? []),
    ],
    { LANG: 'C.UTF-8', ...options.env },
  );
  const server = await createLabServer(config);
  const listening = await server.listen();
  const origin = `http://127.0.0.1:${listening.port}`;
  return {
    server,
    port: listening.port,
    origin,
    url: listening.url,
    stateDir,
    distDir,
    presenterCookie: await exchange(listening.url),
    audienceCookie: await exchange(listening.audienceUrl ?? ''),
    async close() {
      await server.close();
      rmSync(distDir, { recursive: true, force: true });
      // node-pty forks lab shells from this process: after close, it must have no child left.
      const left = descendantsOf(process.pid);
      rmSync(stateDir, { recursive: true, force: true });
      if (left.length > 0) throw new Error(`lab processes left behind: ${left.join(', ')}`);
    },
  };
}

/** Live processes in these sessions (session id = the shell leader's pid), or descended from them. */
export function processesOf(sessionIds: Iterable<number>): number[] {
  const all = listProcesses().filter((p) => p.state !== 'Z');
  const sids = new Set(sessionIds);
  const found = new Set(all.filter((p) => sids.has(p.sid)).map((p) => p.pid));
  return [...found, ...all.filter((p) => !found.has(p.pid) && isBelow(p.pid, found, all)).map((p) => p.pid)];
}

/** Live descendants of `pid` (its children, their children…). */
export function descendantsOf(pid: number): number[] {
  const all = listProcesses().filter((p) => p.state !== 'Z');
  return all.filter((p) => p.pid !== pid && isBelow(p.pid, new Set([pid]), all)).map((p) => p.pid);
}

function isBelow(pid: number, ancestors: ReadonlySet<number>, all: readonly { pid: number; ppid: number }[]): boolean {
  const parent = new Map(all.map((p) => [p.pid, p.ppid]));
  let current = parent.get(pid);
  for (let depth = 0; current !== undefined && current > 1 && depth < 64; depth++) {
    if (ancestors.has(current)) return true;
    current = parent.get(current);
  }
  return false;
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitUntil<T>(check: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
