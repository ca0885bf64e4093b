/**
 * The ceiling: node-pty read in-process (Buffers, no network), the same commands as the server runs.
 * Whatever the lab server adds (WebSocket, screen, flow control) is measured against these numbers.
 */
import pty from 'node-pty';
import { startProbe } from './probe-process.ts';
import { mbPerSecond, pause, sampleEcho, type EchoSamples } from './stats.ts';

function spawn(command: string): pty.IPty {
  const options = {
    name: 'xterm-256color',
    cols: 120,
    rows: 36,
    encoding: null,
    env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', TERM: 'xterm-256color' },
  };
  return pty.spawn('bash', ['--noprofile', '--norc', '-c', command], options as pty.IPtyForkOptions);
}

/** MB/s reading `cat file` (the shell sleeps afterwards: node-pty may lose output at exit, #72). */
export async function ceilingThroughput(file: string, expected: number): Promise<number> {
  const child = spawn(`read -r go; cat ${file}; sleep 5`);
  let bytes = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let start = 0;
  child.onData((data: string | Buffer) => {
    if (start === 0) return;
    bytes += data.length;
    if (bytes >= expected) done();
  });
  await pause(100);
  start = performance.now();
  child.write('\n');
  await finished;
  const rate = mbPerSecond(expected, performance.now() - start);
  child.kill('SIGKILL');
  return rate;
}

/** A pty in raw mode that echoes each byte back; resolves with a function measuring one round trip. */
export async function echoPty(): Promise<{ roundTrip: () => Promise<number>; close: () => void }> {
  const child = spawn('stty raw -echo; echo READY; exec cat');
  let waiting: (() => void) | undefined;
  let ready = false;
  child.onData((data: string | Buffer) => {
    if (!ready) {
      ready = data.toString().includes('READY');
      return;
    }
    if (data.includes('x')) waiting?.();
  });
  while (!ready) await pause(5);
  return {
    roundTrip: () =>
      new Promise((resolve) => {
        const start = performance.now();
        waiting = () => {
          waiting = undefined;
          resolve(performance.now() - start);
        };
        child.write('x');
      }),
    close: () => child.kill('SIGKILL'),
  };
}

export async function ceilingEcho(samples: number): Promise<EchoSamples> {
  const echo = await echoPty();
  const result = await sampleEcho(echo.roundTrip, samples);
  echo.close();
  return result;
}

export interface FanoutResult {
  readonly aggregate: number;
  readonly slowestMs: number;
  readonly fastestMs: number;
  readonly probe: readonly number[];
}

/** `sessions` ptys each `cat` the file at once, while a probe pty (its own process) echoes a key every 20 ms. */
export async function ceilingFanout(file: string, expected: number, sessions: number): Promise<FanoutResult> {
  const children = Array.from({ length: sessions }, () => spawn(`read -r go; cat ${file}; sleep 30`));
  const doneAt: number[] = [];
  let start = 0;
  for (const child of children) {
    let bytes = 0;
    let finished = false;
    child.onData((data: string | Buffer) => {
      if (start === 0 || finished) return;
      bytes += data.length;
      if (bytes >= expected) {
        finished = true;
        doneAt.push(performance.now() - start);
      }
    });
  }
  const probe = await startProbe('ceiling');
  await pause(300);
  start = performance.now();
  for (const child of children) child.write('\n');
  probe.go();
  while (doneAt.length < sessions) await pause(20);
  const probeTimes = await probe.stop();
  for (const child of children) child.kill('SIGKILL');
  const slowest = Math.max(...doneAt);
  return {
    aggregate: mbPerSecond(expected * sessions, slowest),
    slowestMs: slowest,
    fastestMs: Math.min(...doneAt),
    probe: probeTimes,
  };
}
