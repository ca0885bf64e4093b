/** The same measurements through the lab server: a real WebSocket on 127.0.0.1, real sessions. */
import { BenchClient, type Target } from './client.ts';
import { startProbe } from './probe-process.ts';
import { mbPerSecond, median, pause, sampleEcho, until, type EchoSamples } from './stats.ts';

/** What the bench reads of the server process from outside: memory, and CPU time (all threads). */
export interface ServerProcess {
  rss(): number;
  cpuMs(): number;
}

const PROMPT = 'bench$ ';

async function shell(target: Target, room: string): Promise<BenchClient> {
  const client = await BenchClient.open(target);
  await client.attach(room);
  await until(() => client.sawRecently(PROMPT), `prompt in ${room}`);
  return client;
}

/** MB/s of `cat file` typed into a shell, from the keystroke to the last byte. */
export async function serverThroughput(client: BenchClient, file: string, expected: number): Promise<number> {
  await until(() => client.sawRecently(PROMPT), 'prompt');
  const start = performance.now();
  const from = client.bytes;
  client.input(`cat ${file}\r`);
  await until(() => client.bytes - from >= expected, 'the whole file', 120_000);
  const ms = performance.now() - start;
  await until(() => client.sawRecently(PROMPT), 'prompt after cat');
  return mbPerSecond(expected, ms);
}

export async function openThroughputShell(target: Target): Promise<BenchClient> {
  return shell(target, 'throughput');
}

/** A session in raw mode echoing each key: returns one round-trip measurement function. */
export async function serverEchoSession(
  target: Target,
  room: string,
): Promise<{ roundTrip: () => Promise<number>; client: BenchClient }> {
  const client = await shell(target, room);
  client.input('stty raw -echo; exec cat\r');
  await pause(200);
  let waiting: (() => void) | undefined;
  client.onOutput = (payload) => {
    if (payload.includes(0x78)) waiting?.();
  };
  const roundTrip = (): Promise<number> =>
    new Promise((resolve) => {
      const start = performance.now();
      waiting = () => {
        waiting = undefined;
        resolve(performance.now() - start);
      };
      client.input('x');
    });
  for (let i = 0; i < 50; i++) await roundTrip();
  return { roundTrip, client };
}

export async function serverEcho(target: Target, samples: number): Promise<EchoSamples> {
  const { roundTrip, client } = await serverEchoSession(target, 'echo');
  const result = await sampleEcho(roundTrip, samples);
  client.close();
  return result;
}

export interface ServerFanout {
  readonly aggregate: number;
  readonly slowestMs: number;
  readonly fastestMs: number;
  readonly probe: readonly number[];
  /** Server RSS before the sessions were opened, then with them all idle at their prompt. */
  readonly rssBefore: number;
  readonly rssIdleSessions: number;
  /** What the idle sessions' shells (bwrap, bash) take together, PSS: see `shellsMemory`. */
  readonly shellsIdle: number;
  readonly rssPeak: number;
  /** Server CPU time from the first `cat` to the last byte. */
  readonly cpuMs: number;
}

/** `sessions` sessions `cat` the file at once while a probe session (its own process) echoes a key every 20 ms. */
export async function serverFanout(
  target: Target,
  file: string,
  expected: number,
  sessions: number,
  server: ServerProcess,
  /** The memory of every process the server started (its shells), measured once they are all idle. */
  shellsMemory: () => number = () => Number.NaN,
): Promise<ServerFanout> {
  const rssBefore = server.rss();
  const clients: BenchClient[] = [];
  for (let i = 0; i < sessions; i++) clients.push(await shell(target, `fan-${i}`));
  await pause(300);
  const rssIdleSessions = server.rss();
  const shellsIdle = shellsMemory();
  const probe = await startProbe('server', target);
  await pause(300);
  let rssPeak = rssIdleSessions;
  const cpuStart = server.cpuMs();
  const doneAt: number[] = [];
  const start = performance.now();
  for (const client of clients) {
    const from = client.bytes;
    let finished = false;
    client.onOutput = () => {
      if (!finished && client.bytes - from >= expected) {
        finished = true;
        doneAt.push(performance.now() - start);
      }
    };
    client.input(`cat ${file}\r`);
  }
  probe.go();
  while (doneAt.length < sessions) {
    rssPeak = Math.max(rssPeak, server.rss());
    await pause(20);
  }
  const cpuMs = server.cpuMs() - cpuStart;
  const probeTimes = await probe.stop();
  for (const client of clients) client.close();
  const slowest = Math.max(...doneAt);
  return {
    aggregate: mbPerSecond(expected * sessions, slowest),
    slowestMs: slowest,
    fastestMs: Math.min(...doneAt),
    probe: probeTimes,
    rssBefore,
    rssIdleSessions,
    shellsIdle,
    rssPeak,
    cpuMs,
  };
}

export interface ServerViewers {
  /** The writer's `cat`, ms: alone, then (medians) with the live viewers, then with them and one stalled. */
  readonly aloneMs: number;
  readonly viewedMs: number;
  readonly stalledMs: number;
  /** From the last round with the stalled viewer on: */
  readonly lastViewerMs: number;
  readonly identical: boolean;
  /** Viewers that were never resynchronised (the rest fell behind and got a snapshot). */
  readonly inStep: number;
  readonly stalledBytes: number;
  readonly rssBefore: number;
  readonly rssPeak: number;
  /** Server CPU time from the writer's `cat` until every live viewer saw the end. */
  readonly cpuMs: number;
}

interface ViewedRound {
  readonly writerMs: number;
  readonly lastViewerMs: number;
  readonly identical: boolean;
  readonly inStep: number;
  readonly rssBefore: number;
  readonly rssPeak: number;
  readonly cpuMs: number;
}

/** The writer `cat`s the file while every viewer reads it; resolves once all of them saw its end. */
async function viewedRound(
  writer: BenchClient,
  audience: readonly BenchClient[],
  file: string,
  expected: number,
  server: ServerProcess,
  round: number,
): Promise<ViewedRound> {
  // The marker is computed by the shell, so the echo of the command line cannot match it; one per round,
  // since the screen (and a resync's snapshot) still shows the previous one.
  const marker = `FIN-${40 + round}`;
  for (const viewer of [writer, ...audience]) {
    viewer.startHash();
    viewer.watch(marker);
  }
  const resyncsBefore = audience.map((v) => v.resyncs);
  const rssBefore = server.rss();
  let rssPeak = rssBefore;
  const cpuStart = server.cpuMs();
  const start = performance.now();
  const writerFrom = writer.bytes;
  writer.input(`cat ${file}; echo FIN-$((40 + ${round}))\r`);
  let writerMs = 0;
  const deadline = start + 120_000;
  while (!audience.every((v) => v.seen) || !writer.seen) {
    if (performance.now() > deadline) throw new Error('bench: viewers did not all see the end of the output in 120 s');
    if (writerMs === 0 && writer.bytes - writerFrom >= expected) writerMs = performance.now() - start;
    rssPeak = Math.max(rssPeak, server.rss());
    await pause(2);
  }
  const cpuMs = server.cpuMs() - cpuStart;
  if (writerMs === 0) writerMs = performance.now() - start;
  // Viewers that kept up got every byte: they must have identical streams. The others were resynchronised
  // from a snapshot (the rule for a page that falls behind), which the count reports.
  const inStep = audience.filter((v, i) => v.resyncs === resyncsBefore[i]);
  const digests = new Set(inStep.map((v) => v.digest()));
  return {
    writerMs,
    lastViewerMs: performance.now() - start,
    identical: digests.size <= 1,
    inStep: inStep.length,
    rssBefore,
    rssPeak,
    cpuMs,
  };
}

/**
 * One writer and `viewers` - 1 audience pages, all in this process, `cat` of the file: first with the live
 * viewers only, then with one more page that stopped reading, twice each, interleaved. The stalled page's
 * cost is the second against the first; both pay for the live viewers, which on two cores share the CPU
 * with the server (100 x the bytes to send and, here, to read and hash).
 */
export async function serverViewers(
  target: Target,
  file: string,
  expected: number,
  viewers: number,
  server: ServerProcess,
): Promise<ServerViewers> {
  const alone = await shell(target, 'alone');
  const aloneStart = performance.now();
  const aloneFrom = alone.bytes;
  alone.input(`cat ${file}\r`);
  await until(() => alone.bytes - aloneFrom >= expected, 'the writer alone');
  const aloneMs = performance.now() - aloneStart;
  alone.close();

  const writer = await shell(target, 'viewers');
  const audience: BenchClient[] = [];
  for (let i = 0; i < viewers - 1; i++) {
    const viewer = await BenchClient.open(target, { audience: true });
    await viewer.attach('viewers');
    audience.push(viewer);
  }
  const viewed: number[] = [];
  const withStalled: number[] = [];
  let last: ViewedRound | undefined;
  let stalledBytes = 0;
  for (let round = 0; round < 4; round += 2) {
    await pause(300);
    viewed.push((await viewedRound(writer, audience, file, expected, server, round)).writerMs);
    const stalled = await BenchClient.open(target, { audience: true, ack: false });
    await stalled.attach('viewers');
    stalled.stall();
    await pause(300);
    last = await viewedRound(writer, audience, file, expected, server, round + 1);
    withStalled.push(last.writerMs);
    stalledBytes = Math.max(stalledBytes, stalled.bytes);
    stalled.close();
  }
  for (const client of [writer, ...audience]) client.close();
  if (!last) throw new Error('bench: no viewer round ran');
  const { lastViewerMs, identical, inStep, rssBefore, rssPeak, cpuMs } = last;
  return {
    aloneMs,
    viewedMs: median(viewed),
    stalledMs: median(withStalled),
    lastViewerMs,
    identical,
    inStep,
    stalledBytes,
    rssBefore,
    rssPeak,
    cpuMs,
  };
}
