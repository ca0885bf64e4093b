/**
 * The `echo` case: keystroke echo while idle, one key at a time through the lab server, against a pty
 * read in this process (the ceiling). Measures the round trip's percentiles, warmed up and in a new session.
 */
import { ceilingEcho } from './ceiling.ts';
import type { Target } from './client.ts';
import { serverEcho } from './server-cases.ts';
import { ECHO_WARM_UP, fixed, percentile, type BenchRow } from './stats.ts';

/** Keystroke echo, `samples` keys: p50 and p99 after the warm-up, and over a new session's first keys. */
export async function echoCase(target: Target, samples: number): Promise<BenchRow[]> {
  const echoCeiling = await ceilingEcho(samples);
  const echoServer = await serverEcho(target, samples);
  const { steady: ceilingSteady, fresh: ceilingFresh } = echoCeiling;
  const { steady, fresh } = echoServer;
  return [
    {
      measure: `echo p50, ms (after ${ECHO_WARM_UP} keys)`,
      ceiling: fixed(percentile(ceilingSteady, 50), 3),
      server: fixed(percentile(steady, 50), 3),
      ratio: '',
      target: '',
      ok: null,
    },
    {
      measure: `echo p99, ms (after ${ECHO_WARM_UP} keys)`,
      ceiling: fixed(percentile(ceilingSteady, 99), 3),
      server: fixed(percentile(steady, 99), 3),
      ratio: '',
      target: '<= 1.5 ms',
      ok: percentile(steady, 99) <= 1.5,
    },
    {
      measure: `echo p50 / p99, ms, first ${samples} keys of a session`,
      ceiling: `${fixed(percentile(ceilingFresh, 50), 2)} / ${fixed(percentile(ceilingFresh, 99), 2)}`,
      server: `${fixed(percentile(fresh, 50), 2)} / ${fixed(percentile(fresh, 99), 2)}`,
      ratio: '',
      target: '',
      ok: null,
    },
  ];
}
