/**
 * The `students` case (issue 17): a hands-on class on this machine. The server runs with --hands-on and
 * the course's labs (hands-on-server.ts); for each class size N (--students 10,30,60, growing the same
 * class), N students join by name, open their own `cloud` session and work at a person's pace
 * (student-work.ts). One more student runs a fork bomb in their `shell`. Measured over a window per N:
 * the presenter's echo (probe.ts, its own process), a quiet student's echo (student-probe.ts, its own
 * process), each command's Enter-to-prompt time, memory and CPU; students-rows.ts makes the rows.
 */
import { loadavg } from 'node:os';
import { classProcesses, machineTicks, processStats, startHandsOnServer, studentUids } from './hands-on-server.ts';
import { median, pause, type BenchRow } from './stats.ts';
import { joinClass, StudentPage } from './student-page.ts';
import { startProbe, startQuietProbe } from './probe-process.ts';
import { grow, Rhythm, type Member } from './student-work.ts';
import { studentsRows, windowLine, type Window } from './students-rows.ts';

/** Each N is measured this long: at ~35 s a command, every student runs about two (see bench/README.md). */
const WINDOW_MS = 75_000;
const SAMPLE_MS = 2000;
const BOMB = 'bomb() { bomb | bomb & }; bomb 2>/dev/null\r';
/** A student's command still running after the last window gets this long, then the server's deleted. */
const WIND_DOWN_MS = 180_000;

/** --students 10,30,60: the class sizes, ascending; undefined when the list is not one of positive integers. */
export function studentCounts(raw = '10,30,60'): number[] | undefined {
  const counts = raw.split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n <= 0)) return undefined;
  return [...new Set(counts)].sort((a, b) => a - b);
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

/** `promise`'s value, or undefined once `ms` have passed without it. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  // Cleared once settled: a pending timer kept the bench alive for up to WIND_DOWN_MS after its table.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Runs the case; returns its rows for run.ts's table (one row per measure, the class sizes side by side). */
export async function studentsCase(scratch: string, dist: string, counts: readonly number[]): Promise<BenchRow[]> {
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
      process.stderr.write(`bench: students: ${n}: ${windowLine(windows.at(-1), rhythm.records)}\n`);
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
    return studentsRows({
      windows,
      records: rhythm.records,
      problems: [...failures, ...rhythm.problems],
      endMs: performance.now() - ending,
      baseRss,
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- server ---\n${server.log().slice(-3000)}`, { cause: error });
  } finally {
    await server.stop();
  }
}
