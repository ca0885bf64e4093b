/**
 * The lab server as the bench sees it from outside: started as its own process on 127.0.0.1 (from this
 * checkout or another one, for A/B runs), and read through /proc: memory, CPU time, syscalls.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Target } from './client.ts';

/** What the bench reads of the server process from outside. */
export interface ServerProcess {
  rss(): number;
  /** User + system CPU time of all its threads. */
  cpuMs(): number;
  /** The user part alone: the kernel's part (TCP, pty reads) is in cpuMs() - userMs(). */
  userMs(): number;
  /** read and write system calls so far (/proc/PID/io): each pty read, each socket write. */
  syscalls(): { readonly reads: number; readonly writes: number };
}

export interface StartedServer {
  readonly target: Target;
  readonly pid: number;
  readonly process: ServerProcess;
  stop(): Promise<void>;
}

export interface ServerStart {
  /** The checkout whose src/server/main.ts runs. */
  readonly root: string;
  readonly stateDir: string;
  readonly distDir: string;
  readonly labsDir: string;
  readonly maxSessions: number;
  readonly maxClients: number;
  /** Extra node flags (--cpu-prof…). */
  readonly nodeFlags?: readonly string[];
}

/** A lab server process the bench started, once it printed its URLs: the presenter's and the audience's cookies. */
export interface SpawnedServer {
  readonly target: Target;
  readonly pid: number;
  /** The end of what the server printed (stdout, and stderr when kept), for a failure's message. */
  log(): string;
  /** SIGTERM, and its exit awaited (a hands-on server ends its class first). */
  stop(): Promise<void>;
}

/**
 * The lab server of `root` compiled to JavaScript in `outDir`, as `npm start` runs it (tsc with
 * src/server/tsconfig.build.json): returns its main.js. Measured under tsx, the server carried tsx's
 * loader thread, about 30 MiB of resident memory that a class's server does not have. `outDir` must sit
 * under a directory whose node_modules has the server's dependencies (the bench's scratch, in the checkout).
 */
export function compileServer(root: string, outDir: string): string {
  const tsc = join(import.meta.dirname, '../node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'src/server/tsconfig.build.json'), '--outDir', outDir], {
    stdio: 'inherit',
  });
  return join(outDir, 'server/main.js');
}

/**
 * Starts `src/server/main.ts` of `root` (under tsx), or the compiled `entry` when given (compileServer),
 * with `args` (plus `--port 0`), waits for its « Ouvrez : » line and exchanges the presenter's and the
 * audience's start URLs for their cookies. `keepStderr`: stderr goes in log() instead of the bench's own.
 */
export async function spawnLabServer(
  root: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
  keepStderr = false,
  entry?: string,
): Promise<SpawnedServer> {
  const main = entry === undefined ? ['--import', 'tsx', join(root, 'src/server/main.ts')] : [entry];
  const child = spawn(process.execPath, [...nodeFlags, ...main, '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', keepStderr ? 'pipe' : 'inherit'],
  });
  let output = '';
  const keep = (data: Buffer): void => {
    output = (output + data.toString()).slice(-20_000);
  };
  // Both pipes exist by the stdio above; Node's types cannot tell from a computed stdio.
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const match = /Ouvrez : (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', () => reject(new Error(`bench: the server did not start\n${output}`)));
  });
  const exchange = async (address: string): Promise<string> =>
    ((await fetch(address, { redirect: 'manual' })).headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const audience = /Public \(lecture seule\) : (\S+)/.exec(output)?.[1] ?? '';
  const origin = new URL(url).origin;
  const target: Target = {
    port: Number(new URL(url).port),
    origin,
    presenterCookie: await exchange(url),
    audienceCookie: await exchange(audience),
  };
  return {
    target,
    pid: child.pid ?? -1,
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function startServer(start: ServerStart): Promise<StartedServer> {
  const clients = String(start.maxClients);
  const args = [
    '--labs',
    start.labsDir,
    '--state',
    start.stateDir,
    '--dist',
    start.distDir,
    '--audience',
    '--grace',
    '1',
  ];
  args.push('--max-sessions', String(start.maxSessions), '--max-clients', clients, '--max-per-address', clients);
  const server = await spawnLabServer(start.root, args, start.nodeFlags);
  return { target: server.target, pid: server.pid, process: processOf(server.pid), stop: () => server.stop() };
}

export function processOf(pid: number): ServerProcess {
  const read = (file: string): string => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return '';
    }
  };
  // Clock ticks of 10 ms (USER_HZ is 100 on Linux); the name (field 2) may hold spaces: skip past it.
  const ticks = (): { user: number; system: number } => {
    const stat = read('stat');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11] ?? 0), system: Number(fields[12] ?? 0) };
  };
  const io = (name: string): number => Number(new RegExp(`${name}: (\\d+)`).exec(read('io'))?.[1] ?? 0);
  return {
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(read('status'))?.[1] ?? 0) * 1024,
    cpuMs: () => {
      const { user, system } = ticks();
      return (user + system) * 10;
    },
    userMs: () => ticks().user * 10,
    syscalls: () => ({ reads: io('syscr'), writes: io('syscw') }),
  };
}

/** Every process below `pid` (its lab shells: bwrap, bash, what they run), from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const visit = (at: number): void => {
    for (const child of children.get(at) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/**
 * Proportional set size of these processes, summed (/proc/PID/smaps_rollup): what they cost the machine
 * together, each page shared by n of them counted 1/n (fifty bash share their code; RSS would count it 50
 * times). Needs the right to read their memory maps (root, or the same account).
 */
export function pssBytes(pids: readonly number[]): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      kib += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return kib * 1024;
}

/**
 * CPU time the whole machine spent (every process and the kernel, all cores), from /proc/stat: what one
 * 50 MB stream costs end to end, pty, kworkers, TCP and the page included.
 */
export function machineBusyMs(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return (fields.reduce((sum, value) => sum + value, 0) - idle) * 10;
}

/**
 * Base64 text like the notes' measurements, in a directory the lab account can read. Not under /tmp:
 * lab shells get a private /tmp from bwrap. Returns the file and the bytes a pty turns it into (ONLCR).
 */
export function dataFile(dir: string, megabytes: number): { file: string; expected: number } {
  const file = join(dir, `data-${megabytes}M.b64`);
  execFileSync('bash', [
    '-c',
    `head -c ${Math.round((megabytes * 1_000_000 * 3) / 4)} /dev/urandom | base64 -w 76 > ${file}`,
  ]);
  chmodSync(file, 0o644);
  const size = statSync(file).size;
  const lines = Number(execFileSync('wc', ['-l', file]).toString().split(' ')[0]);
  return { file, expected: size + lines };
}
