/**
 * The `students` case's figures: one window per class size, read as the stderr line the case prints as
 * each window ends (a later failure keeps it) and as the rows of run.ts's table, one row per measure with
 * the class sizes side by side. The targets are the presenter's and the quiet student's echo p99.
 */
import { fixed, median, MiB, percentile, type BenchRow } from './stats.ts';
import type { CommandRecord } from './student-work.ts';

const PRESENTER_P99_MS = 20;
const QUIET_P99_MS = 50;

/** What one class size's window measured (its commands are the records whose phase is `n`). */
export interface Window {
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

/** One window's figures on one line, as they come (a later failure keeps them). */
export function windowLine(w: Window | undefined, records: readonly CommandRecord[]): string {
  if (!w) return '';
  const ms = records.filter((r) => r.phase === w.n).map((r) => r.ms);
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

/** The case's rows: each measure over the windows, the largest class that held, the class's end, failures. */
export function studentsRows(run: {
  readonly windows: readonly Window[];
  readonly records: readonly CommandRecord[];
  /** Failed joins, then failed commands: the first one is printed. */
  readonly problems: readonly string[];
  /** How long the server took to stop (end the sessions, delete the projects). */
  readonly endMs: number;
  /** The server's RSS before any student joined. */
  readonly baseRss: number;
}): BenchRow[] {
  const { windows, records, problems, endMs, baseRss } = run;
  const each = (f: (w: Window) => string): string => windows.map((w) => `${w.n}: ${f(w)}`).join(' | ');
  const commands = (w: Window): CommandRecord[] => records.filter((r) => r.phase === w.n);
  const held = (w: Window): boolean =>
    percentile(w.presenter, 99) < PRESENTER_P99_MS && percentile(w.quiet, 99) < QUIET_P99_MS;
  const echoRow = (who: string, times: (w: Window) => readonly number[], p99Ms: number): BenchRow => ({
    measure: `students N: ${who} echo p50 / p99, ms`,
    ceiling: '',
    server: each((w) => `${fixed(percentile(times(w), 50), 2)} / ${fixed(percentile(times(w), 99), 1)}`),
    ratio: '',
    target: `p99 < ${p99Ms} ms`,
    ok: null,
  });
  let holds: number | undefined;
  for (const w of windows) {
    if (!held(w)) break;
    holds = w.n;
  }
  const result: BenchRow[] = [
    echoRow('presenter', (w) => w.presenter, PRESENTER_P99_MS),
    echoRow('quiet student', (w) => w.quiet, QUIET_P99_MS),
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
