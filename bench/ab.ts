/**
 * `npx tsx bench/ab.ts --base DIR`: this checkout's lab server (B) against another checkout's (A), with the
 * in-process node-pty reader as the ceiling, in one run and interleaved rounds (ceiling, A, B, the order
 * of A and B alternating), so that the machine's noise hits all three alike. Both servers run at once,
 * only one of them loaded at a time. Two cases of bench/run.ts:
 *
 * - stream: `cat` of 50 MB in one session; the server's CPU time (all threads) over the reader's;
 * - sessions: 50 sessions `cat` 5 MB at once while a probe in its own process echoes a key every 20 ms.
 *
 *   npx tsx bench/ab.ts --base DIR [--rounds 3] [--sessions 50] [--only stream,sessions]
 *
 * Every figure is also given as a ratio to the ceiling's: CPU ms per 50 MB / the reader's, probe p50 / the
 * ceiling probe's. Written to test-results/bench-ab.json as well.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ceilingFanout, ceilingThroughput } from './ceiling.ts';
import type { BenchClient } from './client.ts';
import { dataFile, machineBusyMs, startServer, type StartedServer } from './server-process.ts';
import { openThroughputShell, serverFanout, serverThroughput } from './server-cases.ts';
import { fixed, median, percentile } from './stats.ts';

const ROOT = join(import.meta.dirname, '..');

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    sessions: { type: 'string', default: '50' },
    only: { type: 'string', default: 'stream,sessions' },
    profile: { type: 'string' },
  },
});
const positive = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name}: positive integer expected`);
  return value;
};
if (!values.base) throw new Error('--base DIR: the checkout to compare with is required');
const BASE = resolve(values.base);
const ROUNDS = positive('rounds', values.rounds);
const SESSIONS = positive('sessions', values.sessions);
const ONLY = new Set(values.only.split(','));

interface Side {
  readonly name: string;
  readonly server: StartedServer;
  shell?: BenchClient;
  readonly cpuMs: number[];
  readonly userMs: number[];
  readonly machineMs: number[];
  readonly reads: number[];
  readonly writes: number[];
  readonly rate: number[];
  readonly probeP50: number[];
  readonly probeP99: number[];
  readonly fanCpuMs: number[];
}

const side = (name: string, server: StartedServer): Side => ({
  name,
  server,
  cpuMs: [],
  userMs: [],
  machineMs: [],
  reads: [],
  writes: [],
  rate: [],
  probeP50: [],
  probeP99: [],
  fanCpuMs: [],
});

const step = (text: string): void => void process.stderr.write(`bench-ab: ${text}\n`);

async function streamRound(s: Side, file: string, expected: number, counted = true): Promise<void> {
  s.shell ??= await openThroughputShell(s.server.target);
  const proc = s.server.process;
  const cpu = proc.cpuMs();
  const user = proc.userMs();
  const io = proc.syscalls();
  const machine = machineBusyMs();
  const rate = await serverThroughput(s.shell, file, expected);
  if (!counted) return;
  s.rate.push(rate);
  s.machineMs.push(machineBusyMs() - machine);
  s.cpuMs.push(proc.cpuMs() - cpu);
  s.userMs.push(proc.userMs() - user);
  const after = proc.syscalls();
  s.reads.push(after.reads - io.reads);
  s.writes.push(after.writes - io.writes);
}

async function main(): Promise<void> {
  const work = join(ROOT, '.state', 'bench');
  mkdirSync(work, { recursive: true, mode: 0o755 });
  const scratch = mkdtempSync(join(work, 'ab-'));
  chmodSync(scratch, 0o755);
  const dist = join(scratch, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>bench</title>\n');
  const big = dataFile(scratch, 50);
  const small = dataFile(scratch, 5);
  const start = (name: string, root: string): Promise<StartedServer> =>
    startServer({
      root,
      stateDir: join(scratch, `state-${name}`),
      distDir: dist,
      labsDir: join(ROOT, 'bench/labs'),
      maxSessions: SESSIONS + 10,
      maxClients: SESSIONS + 20,
      nodeFlags: values.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(values.profile, name)}`] : [],
    });
  const a = side('A', await start('A', BASE));
  const b = side('B', await start('B', ROOT));
  const ceilingCpuMs: number[] = [];
  const ceilingMachineMs: number[] = [];
  const ceilingRate: number[] = [];
  const ceilingProbeP50: number[] = [];
  const ceilingProbeP99: number[] = [];
  try {
    if (ONLY.has('stream')) {
      // Not counted: V8 compiles and optimises each read path during its first 50 MB.
      step('stream: warm-up');
      await ceilingThroughput(big.file, big.expected);
      for (const s of [a, b]) await streamRound(s, big.file, big.expected, false);
      for (let round = 0; round < ROUNDS; round++) {
        step(`stream: round ${round + 1}/${ROUNDS}`);
        const used = process.cpuUsage();
        const machine = machineBusyMs();
        ceilingRate.push(await ceilingThroughput(big.file, big.expected));
        ceilingMachineMs.push(machineBusyMs() - machine);
        const own = process.cpuUsage(used);
        ceilingCpuMs.push((own.user + own.system) / 1000);
        for (const s of round % 2 === 0 ? [a, b] : [b, a]) await streamRound(s, big.file, big.expected);
      }
      for (const s of [a, b]) s.shell?.close();
    }
    if (ONLY.has('sessions')) {
      for (let round = 0; round < ROUNDS; round++) {
        step(`${SESSIONS} sessions: round ${round + 1}/${ROUNDS}`);
        const fan = await ceilingFanout(small.file, small.expected, SESSIONS);
        ceilingProbeP50.push(percentile(fan.probe, 50));
        ceilingProbeP99.push(percentile(fan.probe, 99));
        for (const s of round % 2 === 0 ? [a, b] : [b, a]) {
          const result = await serverFanout(s.server.target, small.file, small.expected, SESSIONS, s.server.process);
          s.probeP50.push(percentile(result.probe, 50));
          s.probeP99.push(percentile(result.probe, 99));
          s.fanCpuMs.push(result.cpuMs);
        }
      }
    }
  } finally {
    await Promise.all([a.server.stop(), b.server.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  }
  report(a, b, { ceilingCpuMs, ceilingMachineMs, ceilingRate, ceilingProbeP50, ceilingProbeP99 });
}

interface Ceiling {
  readonly ceilingCpuMs: readonly number[];
  readonly ceilingMachineMs: readonly number[];
  readonly ceilingRate: readonly number[];
  readonly ceilingProbeP50: readonly number[];
  readonly ceilingProbeP99: readonly number[];
}

/** Each round's value over that round's ceiling, then the median: the rounds share their noise. */
function ratios(values: readonly number[], ceiling: readonly number[]): string {
  if (values.length === 0) return '–';
  const each = values.map((v, i) => v / (ceiling[i] ?? Number.NaN));
  return `${fixed(median(each), 2)} (${each.map((r) => fixed(r, 2)).join(' ')})`;
}

function report(a: Side, b: Side, c: Ceiling): void {
  const rows: [string, string, string, string][] = [];
  const med = (values: readonly number[], digits = 0): string => (values.length ? fixed(median(values), digits) : '–');
  rows.push(['measure', 'ceiling', `A ${BASE}`, 'B this checkout']);
  rows.push(['stream: CPU ms per 50 MB (server / reader)', med(c.ceilingCpuMs), med(a.cpuMs), med(b.cpuMs)]);
  rows.push([
    'stream: CPU, x the reader (per round)',
    '1',
    ratios(a.cpuMs, c.ceilingCpuMs),
    ratios(b.cpuMs, c.ceilingCpuMs),
  ]);
  rows.push(['stream: server user CPU ms (rest is kernel)', '', med(a.userMs), med(b.userMs)]);
  rows.push([
    'stream: server read / write syscalls',
    '',
    `${med(a.reads)} / ${med(a.writes)}`,
    `${med(b.reads)} / ${med(b.writes)}`,
  ]);
  rows.push([
    'stream: MB/s, x the ceiling',
    med(c.ceilingRate, 1),
    ratios(a.rate, c.ceilingRate),
    ratios(b.rate, c.ceilingRate),
  ]);
  rows.push([
    'stream: machine CPU ms, x the ceiling',
    med(c.ceilingMachineMs),
    ratios(a.machineMs, c.ceilingMachineMs),
    ratios(b.machineMs, c.ceilingMachineMs),
  ]);
  rows.push([
    `${SESSIONS} sessions: probe echo p50 ms`,
    med(c.ceilingProbeP50, 2),
    med(a.probeP50, 2),
    med(b.probeP50, 2),
  ]);
  rows.push([
    `${SESSIONS} sessions: probe p50, x the ceiling's`,
    '1',
    ratios(a.probeP50, c.ceilingProbeP50),
    ratios(b.probeP50, c.ceilingProbeP50),
  ]);
  rows.push([`${SESSIONS} sessions: probe p99 ms`, med(c.ceilingProbeP99, 1), med(a.probeP99, 1), med(b.probeP99, 1)]);
  rows.push([`${SESSIONS} sessions: server CPU ms`, '', med(a.fanCpuMs), med(b.fanCpuMs)]);
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd([46, 10, 30, 30][i] ?? 10)).join(' '));
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  const sides = Object.fromEntries([a, b].map((s) => [s.name, { ...s, server: undefined, shell: undefined }]));
  writeFileSync(
    join(ROOT, 'test-results', 'bench-ab.json'),
    `${JSON.stringify({ date: new Date().toISOString(), base: BASE, rounds: ROUNDS, sessions: SESSIONS, ceiling: c, sides }, null, 2)}\n`,
  );
}

await main();
