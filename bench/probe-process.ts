/**
 * Starts an echo probe (bench/probe.ts, or the quiet student's bench/student-probe.ts) as a child process
 * and drives it over its stdio protocol (`go`, `stop` answered by one JSON line, `quit`): see probe.ts
 * for why a probe has a process of its own.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Target } from './client.ts';

export interface ProbeProcess {
  /** Starts the round trips (of a window, for a probe that measures several). */
  go(): void;
  /** Stops them; resolves with the round trips since `go`, in ms. */
  stop(): Promise<number[]>;
  /** Ends the probe; resolves once its process has exited. */
  quit(): Promise<void>;
}

/** Starts `script` (in bench/) with `args`; resolves once it says it is ready (warm). */
async function startProbeProcess(script: string, args: readonly string[]): Promise<ProbeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...args], {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // probe.ts exits by itself after `stop`: a `quit` written after that meets a closed pipe (EPIPE).
  child.stdin.on('error', () => undefined);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error(`bench: the probe ${script} exited (code ${child.exitCode})`);
    return line.value;
  };
  const ready = await next();
  if (ready !== 'ready') throw new Error(`bench: the probe ${script} said ${ready}`);
  return {
    go: () => child.stdin.write('go\n'),
    stop: async () => {
      child.stdin.write('stop\n');
      return JSON.parse(await next()) as number[];
    },
    quit: async () => {
      const exited = new Promise((resolve) =>
        child.exitCode === null ? child.once('exit', resolve) : resolve(undefined),
      );
      if (child.exitCode === null) child.stdin.end('quit\n');
      await exited;
    },
  };
}

/** probe.ts: a key every 20 ms to a pty of its own (`ceiling`) or to the lab server's shell (`server`). */
export async function startProbe(kind: 'ceiling' | 'server', target?: Target): Promise<ProbeProcess> {
  const probe = await startProbeProcess('probe.ts', [kind, ...(target ? [JSON.stringify(target)] : [])]);
  return {
    ...probe,
    // probe.ts measures one window and exits after `stop`: its caller is done with it then.
    stop: async () => {
      const times = await probe.stop();
      await probe.quit();
      return times;
    },
  };
}

/** student-probe.ts for the quiet student of the `students` case: one window per class size. */
export function startQuietProbe(target: Target, cookie: string): Promise<ProbeProcess> {
  return startProbeProcess('student-probe.ts', [JSON.stringify({ target, cookie })]);
}
