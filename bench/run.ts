/**
 * `npm run bench`: the lab server against node-pty read in-process, measured in the same run (the
 * machine is shared and noisy: read the ratios). Starts the server as its own process on 127.0.0.1,
 * prints a table and writes it to test-results/bench.json. Bounded in time (about a minute and a half here).
 *
 *   npx tsx bench/run.ts [--rounds 3] [--echo 1000] [--sessions 50] [--viewers 100]
 *                        [--only stream,echo,sessions,viewers,classroom,browser,students] [--server CHECKOUT]
 *                        [--students 10,30,60]
 *
 * --only runs some cases; --server measures the lab server of another checkout (its src/server) with
 * this checkout's harness and bench lab, so that two builds can be compared run against run (A/B).
 * `students` (a hands-on class: root, the lab cloud, 6-8 min) runs only when --only names it. `stream` and
 * `sessions` also measure the naive peer (naive-server.ts: ws + node-pty, nothing else) after the server.
 * bench/README.md says what each case measures and what the figures showed.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { readCommandLine } from '../scripts/lib/cli-args.ts';
import { benchAsQemu, browserRows, browserStream, buildDeck } from './browser-case.ts';
import { ceilingEcho, ceilingFanout, ceilingThroughput } from './ceiling.ts';
import { startNaivePeer } from './naive-peer.ts';
import { peerFanoutRows, peerStreamRows } from './naive-peer-rows.ts';
import { serverClassroom, summary } from './classroom-case.ts';
import { studentCounts, studentsCase } from './students-case.ts';
import { openThroughputShell, serverEcho, serverFanout, serverThroughput, serverViewers } from './server-cases.ts';
import {
  compileServer,
  dataFile,
  descendants,
  machineBusyMs,
  processOf,
  pssBytes,
  spawnLabServer,
  type SpawnedServer,
} from './server-process.ts';
import {
  echoPercentiles,
  ECHO_WARM_UP,
  fixed,
  median,
  medianRow,
  MiB,
  pause,
  percentile,
  type BenchRow,
} from './stats.ts';

const ROOT = join(import.meta.dirname, '..');

const CASES = ['stream', 'echo', 'sessions', 'viewers', 'classroom', 'browser', 'students'] as const;
type Case = (typeof CASES)[number];

const USAGE =
  'npx tsx bench/run.ts [--rounds N] [--echo N] [--sessions N] [--viewers N] [--only CAS,…] [--server CHECKOUT] [--students 10,30,60]';
const { values } = readCommandLine({
  program: 'bench',
  usage: USAGE,
  options: {
    rounds: { type: 'string' },
    echo: { type: 'string' },
    sessions: { type: 'string' },
    viewers: { type: 'string' },
    only: { type: 'string' },
    server: { type: 'string' },
    students: { type: 'string' },
  },
  expects: {
    rounds: 'un entier positif',
    echo: 'un entier positif',
    sessions: 'un entier positif',
    viewers: 'un entier positif',
    only: `une liste parmi ${CASES.join(',')}`,
    server: 'le dossier d’un autre checkout',
    students: 'des nombres d’élèves, comme 10,30,60',
  },
});

function usageError(message: string): never {
  console.error(`bench : ${message}\nusage : ${USAGE}`);
  process.exit(2);
}

function count(name: 'rounds' | 'echo' | 'sessions' | 'viewers', fallback: number): number {
  const raw = values[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value <= 0) usageError(`--${name} attend un entier positif, pas « ${raw ?? ''} »`);
  return value;
}

const ROUNDS = count('rounds', 3);
const ECHO_SAMPLES = count('echo', 1000);
const SESSIONS = count('sessions', 50);
const VIEWERS = count('viewers', 100);
const STUDENTS =
  studentCounts(values.students) ??
  usageError(`--students attend des entiers positifs, comme 10,30,60, pas « ${values.students ?? ''} »`);

function only(): ReadonlySet<Case> {
  if (values.only === undefined) return new Set(CASES.filter((c) => c !== 'students'));
  const names = values.only.split(',');
  const cases = CASES.filter((c) => names.includes(c));
  if (cases.length !== names.length)
    usageError(`--only attend une liste parmi ${CASES.join(', ')}, pas « ${values.only} »`);
  return new Set(cases);
}

const SELECTED = only();
/** The checkout whose lab server is measured (this one unless --server names another). */
const SERVER_ROOT = values.server === undefined ? ROOT : resolve(values.server);
/** Its main.js, compiled as `npm start` runs it (set once by main()). */
let serverEntry: string | undefined;

async function startServer(
  stateDir: string,
  distDir: string,
  labsDir = join(ROOT, 'bench/labs'),
): Promise<SpawnedServer> {
  const clients = String(VIEWERS + SESSIONS + 20);
  const args = [
    '--labs',
    labsDir,
    '--state',
    stateDir,
    '--dist',
    distDir,
    '--audience',
    '--grace',
    '1',
    '--max-sessions',
    String(SESSIONS + 10),
    '--max-clients',
    clients,
    '--max-per-address',
    clients,
  ];
  const flags = [
    ...(process.env['TRACE_GC'] ? ['--trace-gc'] : []),
    ...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE']}`] : []),
  ];
  return spawnLabServer(SERVER_ROOT, args, flags, false, serverEntry);
}

/** How long an idle server is watched for its memory to settle (V8's memory reducer runs after ~8 s). */
const SETTLE_MS = 15_000;

/** The server's RSS after SETTLE_MS with nothing to do. */
async function settledRss(proc: { rss(): number }): Promise<number> {
  await pause(SETTLE_MS);
  return proc.rss();
}

/** Progress on stderr, so that the table on stdout stays clean. */
function step(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}

type Row = BenchRow;

async function main(): Promise<void> {
  const started = performance.now();
  const load = [loadavg()];
  const work = join(ROOT, '.state', 'bench');
  mkdirSync(work, { recursive: true, mode: 0o755 });
  const scratch = mkdtempSync(join(work, 'run-'));
  chmodSync(scratch, 0o755);
  const dist = join(scratch, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>bench</title>\n');
  const big = dataFile(scratch, 50);
  const small = dataFile(scratch, 5);
  step('compiling the lab server (tsc, as npm start does)');
  serverEntry = compileServer(SERVER_ROOT, join(scratch, 'server-js'));
  const server = await startServer(join(scratch, 'state'), dist);
  const proc = processOf(server.pid);
  // The naive peer (ws + node-pty, nothing else) in the cases that compare cost per byte and per key.
  const peer = SELECTED.has('stream') || SELECTED.has('sessions') ? await startNaivePeer() : undefined;
  const rows: Row[] = [];
  const memory: string[] = [];
  const mib = (bytes: number): string => fixed(bytes / MiB, 0);
  try {
    // Just started, the heap still holds what loading the labs and the modules left; V8's memory reducer
    // gives it back once the process has been quiet a few seconds (RSS 58-62 MiB, then 54, here). The
    // target is the idle server's: measured once settled, the start shown beside it.
    const startedRss = proc.rss();
    const idleRss = await settledRss(proc);
    memory.push(`started ${mib(startedRss)}`, `idle ${mib(idleRss)}`);
    rows.push({
      measure: 'server RSS just started / idle (settled), compiled as npm start runs it, MiB',
      ceiling: '',
      server: `${mib(startedRss)} / ${mib(idleRss)}`,
      ratio: '',
      target: '<= 60 MiB',
      ok: idleRss <= 60 * MiB,
    });
    const cpu: string[] = [];
    if (SELECTED.has('stream')) {
      step('one stream');
      // 1. One stream, interleaved rounds so that machine noise hits both sides alike.
      const shell = await openThroughputShell(server.target);
      const peerShell = peer && (await openThroughputShell(peer.target));
      const peerRates: number[] = [];
      const peerCpuMs: number[] = [];
      const ceilings: number[] = [];
      const ours: number[] = [];
      const cpuMs: number[] = [];
      const ceilingCpuMs: number[] = [];
      const clientCpuMs: number[] = [];
      // This process reads the ceiling's pty, then is the server's page: its CPU time is each side's reader.
      const ownMs = (since: NodeJS.CpuUsage): number => {
        const used = process.cpuUsage(since);
        return (used.user + used.system) / 1000;
      };
      // A first round of each, not counted: the server's read path is compiled and optimised meanwhile
      // (its first 50 MB took 1.5-2x the CPU of the next ones), and this process's too.
      const first = {
        ceiling: await ceilingThroughput(big.file, big.expected),
        server: await serverThroughput(shell, big.file, big.expected),
      };
      // The peer's first 50 MB warms its JIT too, as the server's does: not counted, not printed.
      if (peerShell) await serverThroughput(peerShell, big.file, big.expected);
      const ceilingMachineMs: number[] = [];
      const serverMachineMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const ceilingStart = process.cpuUsage();
        const ceilingMachine = machineBusyMs();
        ceilings.push(await ceilingThroughput(big.file, big.expected));
        ceilingMachineMs.push(machineBusyMs() - ceilingMachine);
        ceilingCpuMs.push(ownMs(ceilingStart));
        const cpuStart = proc.cpuMs();
        const clientStart = process.cpuUsage();
        const serverMachine = machineBusyMs();
        ours.push(await serverThroughput(shell, big.file, big.expected));
        serverMachineMs.push(machineBusyMs() - serverMachine);
        cpuMs.push(proc.cpuMs() - cpuStart);
        clientCpuMs.push(ownMs(clientStart));
        if (!peer || !peerShell) continue;
        const peerStart = peer.process.cpuMs();
        peerRates.push(await serverThroughput(peerShell, big.file, big.expected));
        peerCpuMs.push(peer.process.cpuMs() - peerStart);
      }
      cpu.push(`one stream ${fixed(median(cpuMs), 0)}`);
      shell.close();
      peerShell?.close();
      rows.push(
        medianRow({
          measure: 'one stream, 50 MB, MB/s (median)',
          baseline: ceilings,
          values: ours,
          target: { label: '>= 0.9 x', met: (ratio) => ratio >= 0.9 },
        }),
        medianRow({
          measure: 'one stream, CPU ms per 50 MB: in-process reader / server',
          baseline: ceilingCpuMs,
          values: cpuMs,
          digits: 0,
          target: { label: '<= 1.1 x', met: (ratio) => ratio <= 1.1 },
        }),
      );
      if (peerRates.length > 0)
        rows.push(...peerStreamRows({ rates: ceilings, cpuMs: ceilingCpuMs }, { rates: peerRates, cpuMs: peerCpuMs }));
      rows.push({
        measure: 'one stream, CPU ms of the reader: in-process / the page',
        ceiling: fixed(median(ceilingCpuMs), 0),
        server: fixed(median(clientCpuMs), 0),
        ratio: '',
        target: '',
        ok: null,
      });
      rows.push({
        measure: 'one stream, machine CPU ms (all processes, kernel)',
        ceiling: fixed(median(ceilingMachineMs), 0),
        server: fixed(median(serverMachineMs), 0),
        ratio: fixed(median(serverMachineMs) / median(ceilingMachineMs), 2),
        target: '',
        ok: null,
      });
      rows.push({
        measure: 'one stream, first 50 MB of a new server (not counted)',
        ceiling: fixed(first.ceiling),
        server: fixed(first.server),
        ratio: fixed(first.server / first.ceiling, 2),
        target: '',
        ok: null,
      });
    }

    if (SELECTED.has('echo')) {
      step('echo');
      // 2. Keystroke echo while idle.
      const echoCeiling = await ceilingEcho(ECHO_SAMPLES);
      const echoServer = await serverEcho(server.target, ECHO_SAMPLES);
      const { steady: ceilingSteady, fresh: ceilingFresh } = echoCeiling;
      const { steady, fresh } = echoServer;
      rows.push({
        measure: `echo p50, ms (after ${ECHO_WARM_UP} keys)`,
        ceiling: fixed(percentile(ceilingSteady, 50), 3),
        server: fixed(percentile(steady, 50), 3),
        ratio: '',
        target: '',
        ok: null,
      });
      rows.push({
        measure: `echo p99, ms (after ${ECHO_WARM_UP} keys)`,
        ceiling: fixed(percentile(ceilingSteady, 99), 3),
        server: fixed(percentile(steady, 99), 3),
        ratio: '',
        target: '<= 1.5 ms',
        ok: percentile(steady, 99) <= 1.5,
      });
      rows.push({
        measure: `echo p50 / p99, ms, first ${ECHO_SAMPLES} keys of a session`,
        ceiling: `${fixed(percentile(ceilingFresh, 50), 2)} / ${fixed(percentile(ceilingFresh, 99), 2)}`,
        server: `${fixed(percentile(fresh, 50), 2)} / ${fixed(percentile(fresh, 99), 2)}`,
        ratio: '',
        target: '',
        ok: null,
      });
    }

    if (SELECTED.has('sessions')) {
      step(`${SESSIONS} sessions`);
      // 3. Many sessions streaming at once, and an interactive probe.
      const fanCeiling = await ceilingFanout(small.file, small.expected, SESSIONS);
      const fanServer = await serverFanout(server.target, small.file, small.expected, SESSIONS, proc, () =>
        pssBytes(descendants(server.pid)),
      );
      rows.push({
        measure: `${SESSIONS} sessions x 5 MB, aggregate MB/s`,
        ceiling: fixed(fanCeiling.aggregate),
        server: fixed(fanServer.aggregate),
        ratio: fixed(fanServer.aggregate / fanCeiling.aggregate, 2),
        target: '',
        ok: null,
      });
      rows.push({
        measure: `${SESSIONS} sessions, slowest / fastest, ms`,
        ceiling: `${fixed(fanCeiling.slowestMs, 0)} / ${fixed(fanCeiling.fastestMs, 0)}`,
        server: `${fixed(fanServer.slowestMs, 0)} / ${fixed(fanServer.fastestMs, 0)}`,
        ratio: '',
        target: '',
        ok: null,
      });
      rows.push({
        measure: 'probe echo (a page of its own) p50 / p99 / max, ms',
        ceiling: echoPercentiles(fanCeiling.probe),
        server: echoPercentiles(fanServer.probe),
        ratio: '',
        target: 'max <= 10 ms',
        ok: Math.max(...fanServer.probe) <= 10,
      });
      const p50 = percentile(fanServer.probe, 50) / percentile(fanCeiling.probe, 50);
      const p99 = percentile(fanServer.probe, 99) / percentile(fanCeiling.probe, 99);
      rows.push({
        measure: `probe echo under ${SESSIONS} floods, x the ceiling's: p50 / p99`,
        ceiling: '1 / 1',
        server: `${fixed(p50, 2)} / ${fixed(p99, 2)}`,
        ratio: fixed(p50, 2),
        target: 'p50 <= 1 x',
        ok: p50 <= 1,
      });
      if (peer) {
        const fanPeer = await serverFanout(peer.target, small.file, small.expected, SESSIONS, peer.process);
        rows.push(...peerFanoutRows(fanCeiling, fanPeer, SESSIONS));
        cpu.push(`naive peer ${SESSIONS} sessions ${fixed(fanPeer.cpuMs, 0)}`);
      }
      const perSession = (bytes: number): string => fixed(bytes / SESSIONS / MiB, 2);
      const serverPart = fanServer.rssIdleSessions - fanServer.rssBefore;
      rows.push({
        measure: 'memory per idle session, MiB: server RSS + shell PSS',
        ceiling: '',
        server: `${perSession(serverPart)} + ${perSession(fanServer.shellsIdle)} = ${perSession(serverPart + fanServer.shellsIdle)}`,
        ratio: '',
        target: '',
        ok: null,
      });
      cpu.push(`${SESSIONS} sessions ${fixed(fanServer.cpuMs, 0)}`);
      memory.push(
        `${SESSIONS} idle sessions ${mib(fanServer.rssIdleSessions)}`,
        `peak ${SESSIONS} streams ${mib(fanServer.rssPeak)}`,
      );
    }

    if (SELECTED.has('viewers')) {
      step(`${VIEWERS} viewers`);
      // 4. One session, many viewers, one of them stalled.
      const view = await serverViewers(server.target, small.file, small.expected, VIEWERS, proc);
      const writerRate = (ms: number): string => fixed(small.expected / 1e6 / (ms / 1000));
      rows.push({
        measure: `writer MB/s: alone / ${VIEWERS - 1} viewers / + 1 stalled`,
        ceiling: '',
        server: `${writerRate(view.aloneMs)} / ${writerRate(view.viewedMs)} / ${writerRate(view.stalledMs)}`,
        ratio: fixed(view.viewedMs / view.stalledMs, 2),
        target: '>= 0.8 x unstalled',
        ok: view.viewedMs / view.stalledMs >= 0.8,
      });
      cpu.push(`${VIEWERS} viewers ${fixed(view.cpuMs, 0)}`);
      rows.push({
        measure: `${VIEWERS} viewers: last viewer done, ms`,
        ceiling: '',
        server: fixed(view.lastViewerMs, 0),
        ratio: '',
        target: '',
        ok: null,
      });
      rows.push({
        measure: `viewers in step (identical bytes) / resynced`,
        ceiling: '',
        server: `${view.inStep} (${view.identical ? 'identical' : 'DIFFER'}) / ${VIEWERS - 1 - view.inStep}`,
        ratio: '',
        target: 'identical',
        ok: view.identical,
      });
      rows.push({
        measure: 'stalled viewer: bytes it was sent',
        ceiling: '',
        server: `${fixed(view.stalledBytes / MiB, 2)} MiB of ${fixed(small.expected / MiB, 1)}`,
        ratio: '',
        target: 'bounded',
        ok: view.stalledBytes < 4 * MiB,
      });
      rows.push({
        measure: `server RSS MiB: before / peak, ${VIEWERS} viewers + stalled`,
        ceiling: '',
        server: `${mib(view.rssBefore)} / ${mib(view.rssPeak)}`,
        ratio: '',
        target: 'bounded',
        ok: view.rssPeak - view.rssBefore < 200 * MiB,
      });
    }

    if (SELECTED.has('classroom')) {
      step(`classroom: ${VIEWERS} audience pages`);
      // 5. The classroom: the audience follows the presenter's slides while the terminal streams.
      const room = await serverClassroom(server.target, small.file, VIEWERS);
      rows.push({
        measure: `classroom, ${VIEWERS} audience: slide change p50/p99/max ms`,
        ceiling: '',
        server: summary(room.slideMs),
        ratio: '',
        target: `none lost`,
        ok: room.slidesLost === 0,
      });
      rows.push({
        measure: 'classroom: terminal end behind presenter p50/p99/max ms',
        ceiling: '',
        server: summary(room.lagMs),
        ratio: '',
        target: '',
        ok: null,
      });
    }

    if (SELECTED.has('browser')) {
      step('the pane in Chromium (builds the deck first)');
      // 6. What a student's pane shows: its own server, serving the built deck, the bench shell as `qemu`.
      const deck = join(scratch, 'deck');
      buildDeck(deck);
      const shown = await startServer(join(scratch, 'state-browser'), deck, benchAsQemu(join(scratch, 'browser-labs')));
      try {
        const result = await browserStream(
          shown.target.origin,
          shown.target.presenterCookie,
          big.file,
          big.expected,
          ROUNDS,
        );
        rows.push(...browserRows(result));
      } finally {
        await shown.stop();
      }
    }

    if (SELECTED.has('students')) {
      step(`students: a hands-on class of ${STUDENTS.join(', ')} (root, the lab cloud; 6-8 min)`);
      rows.push(...(await studentsCase(scratch, dist, STUDENTS)));
    }

    // 7. Server CPU time (robust to a noisy neighbour, unlike rates) and memory.
    if (cpu.length > 0)
      rows.push({
        measure: 'server CPU ms: 50 MB stream (median) / sessions / viewers',
        ceiling: '',
        server: cpu.join(' / '),
        ratio: '',
        target: '',
        ok: null,
      });
    rows.push({ measure: 'server RSS MiB', ceiling: '', server: memory.join(' / '), ratio: '', target: '', ok: null });
  } finally {
    await peer?.stop();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  load.push(loadavg());

  const widths = [58, 14, 22, 7, 16];
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] ?? 10)).join(' ');
  console.log(line(['measure', 'ceiling', 'lab server', 'ratio', 'target']));
  for (const row of rows)
    console.log(
      line([
        row.measure,
        row.ceiling,
        row.server,
        row.ratio,
        row.ok === null ? row.target : `${row.target} ${row.ok ? '✓' : '✗'}`,
      ]),
    );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\n${fixed(seconds, 0)} s; load average ${load.map((l) => l.map((v) => fixed(v, 2)).join(' ')).join(' -> ')}`,
  );
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'test-results', 'bench.json'),
    `${JSON.stringify({ date: new Date().toISOString(), seconds, loadavg: load, server: SERVER_ROOT, cases: [...SELECTED], rounds: ROUNDS, echoSamples: ECHO_SAMPLES, sessions: SESSIONS, viewers: VIEWERS, rows }, null, 2)}\n`,
  );
}

await main();
