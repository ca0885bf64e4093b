/**
 * The `students` case (issue 17): a hands-on class on this machine. The server runs with --hands-on and
 * the course's labs; for each class size N (--students 10,30,60, growing the same class), N students
 * join by name, open their own `cloud` session (their OpenStack project is made meanwhile: LAB_PREPARING,
 * tried again every 2 s) and work at a person's pace: think 20-40 s, type a command at about 8 keys a
 * second, Enter, wait for the prompt. One more student runs a fork bomb in their `shell`. Measured over
 * a window per N: the presenter's echo (probe.ts, its own process), a quiet student's echo
 * (student-probe.ts, its own process), each command's Enter-to-prompt time, memory and CPU.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Target } from './client.ts';
import { classProcesses, machineTicks, processStats, startHandsOnServer, studentUids } from './hands-on-server.ts';
import { startProbe } from './probe-process.ts';
import { fixed, median, MiB, pause, percentile, type BenchRow } from './stats.ts';
import { joinClass, StudentPage } from './student-page.ts';

type StudentsRow = BenchRow;

const LIST = 'openstack server list';
const CREATE = 'openstack server create --flavor m1.tiny --image cirros-0.3.4-x86_64-uec --network private';
/** One command in five makes a server (the Nova chapter's rhythm: list, list, create, list…). */
const CREATE_SHARE = 0.2;
const THINK_MS = [20_000, 40_000] as const;
const KEYS_PER_S = 8;
/** Each N is measured this long: at ~35 s a command, every student runs about two (see bench/README.md). */
const WINDOW_MS = 75_000;
/** Students whose join and first attach are under way at once: a class arriving, not a stampede. */
const JOINING_AT_ONCE = 10;
const SAMPLE_MS = 2000;
const BOMB = 'bomb() { bomb | bomb & }; bomb 2>/dev/null\r';
const PRESENTER_P99_MS = 20;
const QUIET_P99_MS = 50;
/** A student's command still running after the last window gets this long, then the server's deleted. */
const WIND_DOWN_MS = 180_000;

/** --students 10,30,60: the class sizes, ascending; undefined when the list is not one of positive integers. */
export function studentCounts(raw = '10,30,60'): number[] | undefined {
  const counts = raw.split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n <= 0)) return undefined;
  return [...new Set(counts)].sort((a, b) => a - b);
}

interface CommandRecord {
  /** The N whose window the Enter fell in, undefined outside the windows. */
  readonly phase: number | undefined;
  readonly ms: number;
  readonly status: number;
}

/** When students work, and what their commands took. */
class Rhythm {
  phase: number | undefined;
  stopping = false;
  readonly records: CommandRecord[] = [];
  readonly problems: string[] = [];
  private wake: () => void = () => undefined;
  private readonly stopped = new Promise<void>((resolve) => (this.wake = resolve));

  sleep(ms: number): Promise<void> {
    return Promise.race([pause(ms), this.stopped]);
  }

  stop(): void {
    this.stopping = true;
    this.wake();
  }
}

interface Member {
  readonly page: StudentPage;
  readonly index: number;
  readonly vms: string[];
  done: Promise<void>;
}

async function practise(member: Member, rhythm: Rhythm): Promise<void> {
  // Students do not start in step: the first command comes anywhere in a think time.
  await rhythm.sleep(Math.random() * THINK_MS[1]);
  let made = 0;
  while (!rhythm.stopping) {
    const vm = Math.random() < CREATE_SHARE ? `vm-${member.index}-${++made}` : undefined;
    await member.page.type(vm ? `${CREATE} ${vm}` : LIST, KEYS_PER_S, () => rhythm.stopping);
    if (rhythm.stopping) return member.page.input('\u0015');
    const phase = rhythm.phase;
    const { ms, status } = await member.page.enter();
    if (vm && status === 0) member.vms.push(vm);
    rhythm.records.push({ phase, ms, status });
    await rhythm.sleep(THINK_MS[0] + Math.random() * (THINK_MS[1] - THINK_MS[0]));
  }
}

/** Joins students up to `count`, each opening their cloud lab; they start working as soon as they have it. */
async function grow(
  target: Target,
  members: Member[],
  count: number,
  rhythm: Rhythm,
  joinMs: number[],
  failures: string[],
): Promise<void> {
  const have = members.length + failures.length;
  const waiting = Array.from({ length: Math.max(0, count - have) }, (_, k) => have + k + 1);
  const joinOne = async (index: number): Promise<void> => {
    const start = performance.now();
    try {
      const page = await StudentPage.open(target, await joinClass(target, `bench ${index}`));
      await page.attach('cloud');
      joinMs.push(performance.now() - start);
      const member: Member = { page, index, vms: [], done: Promise.resolve() };
      member.done = practise(member, rhythm).catch(
        (error: unknown) => void rhythm.problems.push(`bench ${index}: ${(error as Error).message.slice(0, 200)}`),
      );
      members.push(member);
    } catch (error) {
      failures.push(`bench ${index}: ${(error as Error).message.slice(0, 300)}`);
    }
  };
  await Promise.all(
    Array.from({ length: JOINING_AT_ONCE }, async () => {
      for (let index = waiting.shift(); index !== undefined; index = waiting.shift()) await joinOne(index);
    }),
  );
}

interface QuietProbe {
  go(): void;
  stop(): Promise<number[]>;
  quit(): Promise<void>;
}

/** Starts student-probe.ts for the quiet student; resolves once it is warm. */
async function startQuietProbe(target: Target, cookie: string): Promise<QuietProbe> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'student-probe.ts'), JSON.stringify({ target, cookie })],
    {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error(`bench: the quiet student's probe exited (code ${child.exitCode})`);
    return line.value;
  };
  if ((await next()) !== 'ready') throw new Error('bench: the quiet student’s probe did not start');
  return {
    go: () => child.stdin.write('go\n'),
    stop: async () => {
      child.stdin.write('stop\n');
      return JSON.parse(await next()) as number[];
    },
    quit: async () => {
      const exited = new Promise((resolve) =>
        child.exitCode === null ? child.once('exit', resolve) : resolve(undefined),
      );
      child.stdin.end('quit\n');
      await exited;
    },
  };
}

interface Window {
  readonly n: number;
  readonly present: number;
  readonly presenter: readonly number[];
  readonly quiet: readonly number[];
  readonly serverRss: number;
  readonly classRss: number;
  readonly machineBusy: number;
  readonly serverCpu: number;
  readonly load: number;
  readonly bombTasks: number;
  readonly joinMs: readonly number[];
}

/**
 * ↺ of the fork bomb's lab. Its processes die with their PID namespace, but on a loaded machine not at
 * once: until they have, the account is at its RLIMIT_NPROC and a new shell cannot start (the student
 * would read « le shell s'est arrêté aussitôt » and press ↺ again). Tried again like that, three times.
 */
async function resetBomber(bomber: StudentPage, rhythm: Rhythm): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bomber.reset();
    } catch (error) {
      if (attempt === 3)
        return void rhythm.problems.push(`bomb lab not restarted after 3 ↺: ${(error as Error).message.slice(0, 200)}`);
      await pause(3000);
    }
  }
}

/** One window's figures on one line, as they come (a later failure keeps them). */
function windowLine(w: Window | undefined, rhythm: Rhythm): string {
  if (!w) return '';
  const ms = rhythm.records.filter((r) => r.phase === w.n).map((r) => r.ms);
  return [
    `${w.present} working`,
    `presenter echo p50/p99 ${fixed(percentile(w.presenter, 50), 2)}/${fixed(percentile(w.presenter, 99), 1)} ms`,
    `quiet student p99 ${fixed(percentile(w.quiet, 99), 1)} ms`,
    `command p50/p95 ${fixed(percentile(ms, 50) / 1000)}/${fixed(percentile(ms, 95) / 1000)} s (${ms.length})`,
    `server RSS ${fixed(w.serverRss / MiB, 0)} MiB`,
    `machine ${fixed(w.machineBusy, 0)} % busy, server ${fixed(w.serverCpu, 0)} % of a core`,
    `bomb tasks ${w.bombTasks}`,
  ].join(', ');
}

const within = <T>(promise: Promise<T>, ms: number): Promise<T | undefined> =>
  Promise.race([promise, pause(ms).then(() => undefined)]);

/** Runs the case; returns its rows for run.ts's table (one row per measure, the class sizes side by side). */
export async function studentsCase(scratch: string, dist: string, counts: readonly number[]): Promise<StudentsRow[]> {
  if (process.getuid?.() !== 0)
    return [
      {
        measure: 'students: not run',
        ceiling: '',
        server: 'root needed (one Unix account per student)',
        ratio: '',
        target: '',
        ok: false,
      },
    ];
  const largest = counts.at(-1) ?? 0;
  // The quiet student and the fork bomb's are two more.
  const server = await startHandsOnServer(scratch, dist, largest + 2);
  const target = server.target;
  const rhythm = new Rhythm();
  const members: Member[] = [];
  const failures: string[] = [];
  const windows: Window[] = [];
  try {
    const quiet = await startQuietProbe(target, await joinClass(target, 'bench calme'));
    const bomber = await StudentPage.open(target, await joinClass(target, 'bench bombe'), true);
    await bomber.attach('shell', 80, 24);
    bomber.input('echo UID=$(id -u)\r');
    await bomber.client.until(() => /UID=(\d+)/.exec(bomber.text())?.[1], 'the bomber’s uid');
    const bomberUid = Number(/UID=(\d+)/.exec(bomber.text())?.[1]);
    const uids = studentUids();
    const baseRss = processStats(server.pid).rss;
    for (const n of counts) {
      process.stderr.write(`bench: students: growing the class to ${n} (their cloud projects are made meanwhile)\n`);
      const presenterProbe = startProbe('server', target);
      const joinMs: number[] = [];
      await grow(target, members, n, rhythm, joinMs, failures);
      const probe = await presenterProbe;
      bomber.input(BOMB);
      const rss: number[] = [];
      const classRss: number[] = [];
      let bombTasks = 0;
      const cpu0 = processStats(server.pid).cpuMs;
      const machine0 = machineTicks();
      const started = performance.now();
      rhythm.phase = n;
      probe.go();
      quiet.go();
      process.stderr.write(`bench: students: ${members.length} working, measuring ${WINDOW_MS / 1000} s\n`);
      while (performance.now() - started < WINDOW_MS) {
        await pause(SAMPLE_MS);
        const seen = classProcesses(uids, bomberUid);
        rss.push(processStats(server.pid).rss);
        classRss.push(seen.rss);
        bombTasks = Math.max(bombTasks, seen.tasksOfOne);
      }
      rhythm.phase = undefined;
      const elapsed = performance.now() - started;
      const [presenter, quietTimes] = await Promise.all([probe.stop(), quiet.stop()]);
      const machine = machineTicks();
      windows.push({
        n,
        present: members.length,
        presenter,
        quiet: quietTimes,
        serverRss: median(rss),
        classRss: median(classRss),
        machineBusy: (100 * (machine.busy - machine0.busy)) / (machine.total - machine0.total),
        serverCpu: (100 * (processStats(server.pid).cpuMs - cpu0)) / elapsed,
        load: loadavg()[0] ?? 0,
        bombTasks,
        joinMs,
      });
      process.stderr.write(`bench: students: ${n}: ${windowLine(windows.at(-1), rhythm)}\n`);
      await resetBomber(bomber, rhythm);
      // The presenter's probe session outlives its page by the server's grace (1 s): the next one starts fresh.
      await pause(1500);
    }
    rhythm.stop();
    await within(Promise.all(members.map((m) => m.done)), WIND_DOWN_MS);
    process.stderr.write('bench: students: deleting their servers, then ending the class\n');
    const deleting = members
      .filter((m) => m.vms.length > 0)
      .map(async (m) => {
        m.page.input(`openstack server delete ${m.vms.join(' ')}`);
        await m.page.enter(WIND_DOWN_MS);
      });
    await within(Promise.allSettled(deleting), WIND_DOWN_MS);
    for (const page of [...members.map((m) => m.page), bomber]) page.close();
    await quiet.quit();
    const ending = performance.now();
    await server.stop();
    return rows(windows, rhythm, failures, performance.now() - ending, baseRss);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- server ---\n${server.log().slice(-3000)}`, { cause: error });
  } finally {
    await server.stop();
  }
}

function rows(
  windows: readonly Window[],
  rhythm: Rhythm,
  failures: readonly string[],
  endMs: number,
  baseRss: number,
): StudentsRow[] {
  const each = (f: (w: Window) => string): string => windows.map((w) => `${w.n}: ${f(w)}`).join(' | ');
  const commands = (w: Window): CommandRecord[] => rhythm.records.filter((r) => r.phase === w.n);
  const held = (w: Window): boolean =>
    percentile(w.presenter, 99) < PRESENTER_P99_MS && percentile(w.quiet, 99) < QUIET_P99_MS;
  let holds: number | undefined;
  for (const w of windows) {
    if (!held(w)) break;
    holds = w.n;
  }
  const result: StudentsRow[] = [
    {
      measure: 'students N: presenter echo p50 / p99, ms',
      ceiling: '',
      server: each((w) => `${fixed(percentile(w.presenter, 50), 2)} / ${fixed(percentile(w.presenter, 99), 1)}`),
      ratio: '',
      target: `p99 < ${PRESENTER_P99_MS} ms`,
      ok: null,
    },
    {
      measure: 'students N: quiet student echo p50 / p99, ms',
      ceiling: '',
      server: each((w) => `${fixed(percentile(w.quiet, 50), 2)} / ${fixed(percentile(w.quiet, 99), 1)}`),
      ratio: '',
      target: `p99 < ${QUIET_P99_MS} ms`,
      ok: null,
    },
    {
      measure: 'students N: command Enter->prompt p50 / p95, s (count, failed)',
      ceiling: '',
      server: each((w) => {
        const c = commands(w);
        const ms = c.map((r) => r.ms);
        return `${fixed(percentile(ms, 50) / 1000)} / ${fixed(percentile(ms, 95) / 1000)} (${c.length}, ${c.filter((r) => r.status !== 0).length})`;
      }),
      ratio: '',
      target: '',
      ok: null,
    },
    {
      measure: 'students N: server RSS MiB per student (total)',
      ceiling: '',
      server: each((w) => `${fixed((w.serverRss - baseRss) / w.present / MiB, 2)} (${fixed(w.serverRss / MiB, 0)})`),
      ratio: '',
      target: '',
      ok: null,
    },
    {
      measure: 'students N: students’ processes RSS MiB per student',
      ceiling: '',
      server: each((w) => fixed(w.classRss / (w.present + 2) / MiB, 1)),
      ratio: '',
      target: '',
      ok: null,
    },
    {
      measure: 'students N: machine CPU % busy / server % of a core / load',
      ceiling: '',
      server: each((w) => `${fixed(w.machineBusy, 0)} / ${fixed(w.serverCpu, 0)} / ${fixed(w.load)}`),
      ratio: '',
      target: '',
      ok: null,
    },
    {
      measure: 'students N: join -> first cloud prompt p50 / max, s',
      ceiling: '',
      server: each((w) => `${fixed(median(w.joinMs) / 1000)} / ${fixed(Math.max(...w.joinMs) / 1000)}`),
      ratio: '',
      target: '',
      ok: null,
    },
    {
      measure: 'students N: fork bomb, tasks of its account (max)',
      ceiling: '',
      server: each((w) => String(w.bombTasks)),
      ratio: '',
      target: '<= 256',
      ok: windows.every((w) => w.bombTasks <= 256),
    },
    {
      measure: `students held (presenter p99 < ${PRESENTER_P99_MS} ms, quiet p99 < ${QUIET_P99_MS} ms)`,
      ceiling: '',
      server: `${holds ?? 'none'} of ${windows.map((w) => w.n).join(', ')}`,
      ratio: '',
      target: '',
      ok: holds !== undefined,
    },
    {
      measure: 'students: class end (server stop: sessions, projects), s',
      ceiling: '',
      server: fixed(endMs / 1000),
      ratio: '',
      target: '',
      ok: null,
    },
  ];
  const problems = [...failures, ...rhythm.problems];
  if (problems.length > 0)
    result.push({
      measure: 'students: joins or commands that failed',
      ceiling: '',
      server: `${problems.length}: ${problems[0] ?? ''}`,
      ratio: '',
      target: 'none',
      ok: false,
    });
  return result;
}
