/**
 * The lab server as its own process (`node --import tsx src/server/main.ts`), as `npm start` runs it:
 * for what only a separate process shows (signals, its memory, what survives it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLabUser, FIXTURE_LABS, ROOT, scratchDir, writeDistFixture, type TestServer } from './lab-server.ts';

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Enough of a TestServer for LabClient (no in-process `server`). */
  readonly target: TestServer;
  /** The start URLs the server printed, tokens included: the presenter's and the audience's. */
  readonly urls: { readonly presenter: string; readonly audience: string };
  output(): string;
  exited: Promise<number | null>;
  /** Resident memory of the server process, in bytes. */
  rss(): number;
  cleanup(): void;
  /** SIGTERM, as Ctrl-C does; resolves once it exited and its files are gone. */
  stop(): Promise<void>;
}

async function exchange(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

export interface SpawnOptions {
  /** The project's labs/ for end-to-end tests; the small fixture labs by default. */
  readonly labsDir?: string;
  /** A built deck (dist/); a tiny fixture by default. */
  readonly distDir?: string;
}

export async function spawnServer(args: readonly string[] = [], options: SpawnOptions = {}): Promise<ServerProcess> {
  ensureLabUser();
  const stateDir = scratchDir('lab-proc-state');
  const distDir = options.distDir ?? scratchDir('lab-proc-dist');
  if (!options.distDir) writeDistFixture(distDir);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src', 'server', 'main.ts'),
      '--port',
      '0',
      '--labs',
      options.labsDir ?? FIXTURE_LABS,
      '--state',
      stateDir,
      '--dist',
      distDir,
      '--audience',
      ...args,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '', LANG: 'C.UTF-8', HOME: process.env['HOME'] ?? '/' },
    },
  );
  let output = '';
  child.stdout?.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr?.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const check = (): void => {
      const match = /Ouvrez : (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => reject(new Error(`server exited:\n${output}`)));
  });
  const parsed = new URL(url);
  const port = Number(parsed.port);
  const audience = /Public \(lecture seule\) : (\S+)/.exec(output)?.[1] ?? '';
  const cleanup = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
    if (!options.distDir) rmSync(distDir, { recursive: true, force: true });
  };
  const target = {
    port,
    origin: parsed.origin,
    url,
    stateDir,
    distDir,
    presenterCookie: await exchange(url),
    audienceCookie: await exchange(audience),
  } as unknown as TestServer;
  return {
    child,
    target,
    urls: { presenter: url, audience },
    output: () => output,
    exited,
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    cleanup,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      cleanup();
    },
  };
}
