/**
 * The naive peer's rows (naive-server.ts), printed beside the lab server's in the same run: what the
 * simplest Node server (ws + node-pty) pays per byte and per key on this machine, against the same
 * ceiling. No target: they say how far a Node server can go here, not what ours must do.
 */
import type { FanoutResult } from './ceiling.ts';
import { echoPercentiles, fixed, medianRow, percentile, type BenchRow } from './stats.ts';

/** One stream: the peer's MB/s and CPU ms per 50 MB, each against the in-process reader's. */
export function peerStreamRows(
  ceiling: { readonly rates: readonly number[]; readonly cpuMs: readonly number[] },
  peer: { readonly rates: readonly number[]; readonly cpuMs: readonly number[] },
): BenchRow[] {
  return [
    medianRow({ measure: 'one stream, MB/s: naive ws + node-pty peer', baseline: ceiling.rates, values: peer.rates }),
    medianRow({
      measure: 'one stream, CPU ms per 50 MB: reader / naive peer',
      baseline: ceiling.cpuMs,
      values: peer.cpuMs,
      digits: 0,
    }),
  ];
}

/** Many sessions flooding: the peer's aggregate rate and its probe's echo, against the ceiling's. */
export function peerFanoutRows(ceiling: FanoutResult, peer: FanoutResult, sessions: number): BenchRow[] {
  const p50 = percentile(peer.probe, 50) / percentile(ceiling.probe, 50);
  const p99 = percentile(peer.probe, 99) / percentile(ceiling.probe, 99);
  return [
    {
      measure: `naive peer: ${sessions} sessions x 5 MB, aggregate MB/s`,
      ceiling: fixed(ceiling.aggregate),
      server: fixed(peer.aggregate),
      ratio: fixed(peer.aggregate / ceiling.aggregate, 2),
      target: '',
      ok: null,
    },
    {
      measure: 'naive peer: probe echo p50 / p99 / max, ms',
      ceiling: echoPercentiles(ceiling.probe),
      server: echoPercentiles(peer.probe),
      ratio: '',
      target: '',
      ok: null,
    },
    {
      measure: "naive peer: probe echo, x the ceiling's: p50 / p99",
      ceiling: '1 / 1',
      server: `${fixed(p50, 2)} / ${fixed(p99, 2)}`,
      ratio: fixed(p50, 2),
      target: '',
      ok: null,
    },
  ];
}
