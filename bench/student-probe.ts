/**
 * The quiet student's echo probe of the `students` case, in a process of its own for the reason probe.ts
 * gives: a student typing in their own `shell` session (`stty raw -echo; exec cat`), one key every 20 ms,
 * measured from a page that drives nothing else. Same stdio protocol as probe.ts, but for several
 * windows: `ready` once warmed up; `go` starts the round trips; `stop` prints those since `go` as one
 * JSON line; `quit` (or end of input) exits.
 *
 *   tsx bench/student-probe.ts '{"target": Target, "cookie": "…"}'
 */
import { createInterface } from 'node:readline';
import type { Target } from './client.ts';
import { ECHO_WARM_UP, pause } from './stats.ts';
import { StudentPage } from './student-page.ts';

const PROBE_INTERVAL_MS = 20;

async function main(): Promise<void> {
  const { target, cookie } = JSON.parse(process.argv[2] ?? '{}') as { target: Target; cookie: string };
  const page = await StudentPage.open(target, cookie);
  await page.attach('shell', 80, 24);
  page.input('stty raw -echo; exec cat\r');
  await pause(500);
  let waiting: (() => void) | undefined;
  page.client.onOutput = (_channel, payload) => {
    if (payload.includes(0x78)) waiting?.();
  };
  const roundTrip = (): Promise<number> =>
    new Promise((resolve) => {
      const start = performance.now();
      waiting = () => {
        waiting = undefined;
        resolve(performance.now() - start);
      };
      page.input('x');
    });
  // Warm, like the presenter's probe: measure the class, not V8 compiling the echo path.
  for (let i = 0; i < ECHO_WARM_UP; i++) await roundTrip();
  let running = false;
  let quit = false;
  let times: number[] = [];
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line === 'go') {
      times = [];
      running = true;
    } else if (line === 'stop') {
      running = false;
      process.stdout.write(`${JSON.stringify(times)}\n`);
    } else if (line === 'quit') quit = true;
  });
  lines.on('close', () => (quit = true));
  process.stdout.write('ready\n');
  while (!quit) {
    if (running) times.push(await roundTrip());
    await pause(PROBE_INTERVAL_MS);
  }
  page.close();
  lines.close();
}

await main();
