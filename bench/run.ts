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
 * Each case measures in a file of its own (stream-case.ts, echo-case.ts, fanout-case.ts…): this one reads the
 * command line, starts the servers, runs the cases in order and prints their rows (table.ts).
 * bench/README.md says what each case measures and what the figures showed.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { readCommandLine } from '../scripts/lib/cli-args.ts';
import { browserRows, browserStream } from './browser-case.ts';
import { benchAsQemu, buildDeck } from './browser-deck.ts';
import { serverClassroom, summary } from './classroom-case.ts';
import { echoCase } from './echo-case.ts';
import { fanoutCase } from './fanout-case.ts';
import { startNaivePeer } from './naive-peer.ts';
import { compileServer, dataFile, processOf, spawnLabServer, type SpawnedServer } from './server-process.ts';
import { fixed, mib, MiB, pause, type BenchRow } from './stats.ts';
import { streamCase } from './stream-case.ts';
import { studentCounts, studentsCase } from './students-case.ts';
import { printTable } from './table.ts';
import { viewersCase } from './viewers-case.ts';

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
      // 1. One stream, against the ceiling and the naive peer.
      const stream = await streamCase(server.target, proc, peer, big, ROUNDS);
      cpu.push(stream.cpu);
      rows.push(...stream.rows);
    }

    if (SELECTED.has('echo')) {
      step('echo');
      // 2. Keystroke echo while idle.
      rows.push(...(await echoCase(server.target, ECHO_SAMPLES)));
    }

    if (SELECTED.has('sessions')) {
      step(`${SESSIONS} sessions`);
      // 3. Many sessions streaming at once, and an interactive probe.
      const fanout = await fanoutCase(server, proc, peer, small, SESSIONS);
      rows.push(...fanout.rows);
      cpu.push(...fanout.cpu);
      memory.push(...fanout.memory);
    }

    if (SELECTED.has('viewers')) {
      step(`${VIEWERS} viewers`);
      // 4. One session, many viewers, one of them stalled.
      const viewers = await viewersCase(server.target, proc, small, VIEWERS);
      rows.push(...viewers.rows);
      cpu.push(viewers.cpu);
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

  printTable(rows);
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
