/**
 * The `sessions` case: many sessions `cat` the small file at once while a probe page of its own echoes
 * a key every 20 ms, through the lab server, against as many ptys read in this process (the ceiling) and,
 * when it runs, the naive peer. Measures the aggregate rate, the probe's echo under the flood, and what
 * each idle session costs in memory (the server's RSS and its shells' PSS).
 */
import { ceilingFanout } from './ceiling.ts';
import type { NaivePeer } from './naive-peer.ts';
import { peerFanoutRows } from './naive-peer-rows.ts';
import { serverFanout } from './server-cases.ts';
import { descendants, pssBytes, type ServerProcess, type SpawnedServer } from './server-process.ts';
import { echoPercentiles, fixed, mib, MiB, percentile, type BenchRow } from './stats.ts';

export interface FanoutCase {
  readonly rows: readonly BenchRow[];
  /** CPU ms of the naive peer (when it runs), then of the server, for the table's CPU row. */
  readonly cpu: readonly string[];
  /** The server's RSS with the sessions idle, then at the flood's peak, for the table's memory row. */
  readonly memory: readonly string[];
}

/** `sessions` sessions streaming `data` at once: aggregate MB/s, probe echo, CPU and memory per session. */
export async function fanoutCase(
  server: SpawnedServer,
  proc: ServerProcess,
  peer: NaivePeer | undefined,
  data: { readonly file: string; readonly expected: number },
  sessions: number,
): Promise<FanoutCase> {
  const fanCeiling = await ceilingFanout(data.file, data.expected, sessions);
  const fanServer = await serverFanout(server.target, data.file, data.expected, sessions, proc, () =>
    pssBytes(descendants(server.pid)),
  );
  const rows: BenchRow[] = [];
  const cpu: string[] = [];
  rows.push({
    measure: `${sessions} sessions x 5 MB, aggregate MB/s`,
    ceiling: fixed(fanCeiling.aggregate),
    server: fixed(fanServer.aggregate),
    ratio: fixed(fanServer.aggregate / fanCeiling.aggregate, 2),
    target: '',
    ok: null,
  });
  rows.push({
    measure: `${sessions} sessions, slowest / fastest, ms`,
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
    measure: `probe echo under ${sessions} floods, x the ceiling's: p50 / p99`,
    ceiling: '1 / 1',
    server: `${fixed(p50, 2)} / ${fixed(p99, 2)}`,
    ratio: fixed(p50, 2),
    target: 'p50 <= 1 x',
    ok: p50 <= 1,
  });
  if (peer) {
    const fanPeer = await serverFanout(peer.target, data.file, data.expected, sessions, peer.process);
    rows.push(...peerFanoutRows(fanCeiling, fanPeer, sessions));
    cpu.push(`naive peer ${sessions} sessions ${fixed(fanPeer.cpuMs, 0)}`);
  }
  const perSession = (bytes: number): string => fixed(bytes / sessions / MiB, 2);
  const serverPart = fanServer.rssIdleSessions - fanServer.rssBefore;
  rows.push({
    measure: 'memory per idle session, MiB: server RSS + shell PSS',
    ceiling: '',
    server: `${perSession(serverPart)} + ${perSession(fanServer.shellsIdle)} = ${perSession(serverPart + fanServer.shellsIdle)}`,
    ratio: '',
    target: '',
    ok: null,
  });
  cpu.push(`${sessions} sessions ${fixed(fanServer.cpuMs, 0)}`);
  const memory = [
    `${sessions} idle sessions ${mib(fanServer.rssIdleSessions)}`,
    `peak ${sessions} streams ${mib(fanServer.rssPeak)}`,
  ];
  return { rows, cpu, memory };
}
