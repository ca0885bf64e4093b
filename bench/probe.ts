/**
 * The interactive probe of the fan-out case, in a process of its own. Someone typing in one pane while
 * fifty others stream is another browser, not the page that reads the fifty streams: measured from the
 * process that also reads them, a probe's echo waited behind that process's own work (its event loop
 * lagged up to 180 ms), which is the bench's delay, not the server's. Both sides get the same treatment:
 * here, the ceiling's probe is a pty read in the probe's own process, the server's a page of it.
 *
 *   tsx bench/probe.ts ceiling | server '<Target as JSON>'
 *
 * On stdio: prints `ready` once warmed up; on `go`, a round trip every 20 ms; on `stop`, prints the round
 * trips (ms) as one JSON line and exits.
 */
import { createInterface } from 'node:readline';
import { echoPty } from './ceiling.ts';
import type { Target } from './client.ts';
import { serverEchoSession } from './server-cases.ts';
import { ECHO_WARM_UP, pause } from './stats.ts';

const PROBE_INTERVAL_MS = 20;

async function open(
  kind: string | undefined,
  target: string | undefined,
): Promise<{ roundTrip: () => Promise<number>; close: () => void }> {
  if (kind === 'ceiling') return echoPty();
  if (kind === 'server' && target) {
    const { roundTrip, client } = await serverEchoSession(JSON.parse(target) as Target, 'probe');
    return { roundTrip, close: () => client.close() };
  }
  throw new Error('usage: tsx bench/probe.ts ceiling | server TARGET_JSON');
}

async function main(): Promise<void> {
  const probe = await open(process.argv[2], process.argv[3]);
  // Warm, like the idle echo's steady samples: the probe measures the flood, not V8 compiling its path.
  for (let i = 0; i < ECHO_WARM_UP; i++) await probe.roundTrip();
  const lines = createInterface({ input: process.stdin });
  let running = false;
  const times: number[] = [];
  const stopped = new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      if (line === 'go') running = true;
      if (line === 'stop') {
        running = false;
        resolve();
      }
    });
  });
  process.stdout.write('ready\n');
  let done = false;
  void stopped.then(() => (done = true));
  while (!done) {
    if (running) times.push(await probe.roundTrip());
    await pause(PROBE_INTERVAL_MS);
  }
  probe.close();
  lines.close();
  process.stdout.write(`${JSON.stringify(times)}\n`);
}

await main();
