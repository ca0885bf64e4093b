/**
 * The `stream` case: one `cat` of the big file through the lab server, against node-pty read in this
 * process (the ceiling) and, when it runs, the naive peer, in interleaved rounds. Measures MB/s, the
 * CPU time of the server and of each side's reader, and the whole machine's CPU time.
 */
import { ceilingThroughput } from './ceiling.ts';
import type { Target } from './client.ts';
import type { NaivePeer } from './naive-peer.ts';
import { peerStreamRows } from './naive-peer-rows.ts';
import { openThroughputShell, serverThroughput } from './server-cases.ts';
import { machineBusyMs, type ServerProcess } from './server-process.ts';
import { fixed, median, medianRow, type BenchRow } from './stats.ts';

export interface StreamCase {
  readonly rows: readonly BenchRow[];
  /** The server's CPU ms per stream (median), for the table's CPU row. */
  readonly cpu: string;
}

/** One stream of `data`, `rounds` times: MB/s and CPU time of the server, the ceiling and the naive peer. */
export async function streamCase(
  target: Target,
  proc: ServerProcess,
  peer: NaivePeer | undefined,
  data: { readonly file: string; readonly expected: number },
  rounds: number,
): Promise<StreamCase> {
  // Interleaved rounds so that machine noise hits both sides alike.
  const shell = await openThroughputShell(target);
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
    ceiling: await ceilingThroughput(data.file, data.expected),
    server: await serverThroughput(shell, data.file, data.expected),
  };
  // The peer's first 50 MB warms its JIT too, as the server's does: not counted, not printed.
  if (peerShell) await serverThroughput(peerShell, data.file, data.expected);
  const ceilingMachineMs: number[] = [];
  const serverMachineMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const ceilingStart = process.cpuUsage();
    const ceilingMachine = machineBusyMs();
    ceilings.push(await ceilingThroughput(data.file, data.expected));
    ceilingMachineMs.push(machineBusyMs() - ceilingMachine);
    ceilingCpuMs.push(ownMs(ceilingStart));
    const cpuStart = proc.cpuMs();
    const clientStart = process.cpuUsage();
    const serverMachine = machineBusyMs();
    ours.push(await serverThroughput(shell, data.file, data.expected));
    serverMachineMs.push(machineBusyMs() - serverMachine);
    cpuMs.push(proc.cpuMs() - cpuStart);
    clientCpuMs.push(ownMs(clientStart));
    if (!peer || !peerShell) continue;
    const peerStart = peer.process.cpuMs();
    peerRates.push(await serverThroughput(peerShell, data.file, data.expected));
    peerCpuMs.push(peer.process.cpuMs() - peerStart);
  }
  const cpu = `one stream ${fixed(median(cpuMs), 0)}`;
  shell.close();
  peerShell?.close();
  const rows: BenchRow[] = [
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
  ];
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
  return { rows, cpu };
}
