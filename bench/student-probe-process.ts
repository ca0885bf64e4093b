/**
 * Starts bench/student-probe.ts, the quiet student's echo probe of the `students` case, as a child
 * process and drives it over its stdio protocol: a process of its own for the reason probe.ts gives.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Target } from './client.ts';

export interface QuietProbe {
  /** Starts the round trips of a window. */
  go(): void;
  /** Stops them; resolves with the window's round trips, in ms. */
  stop(): Promise<number[]>;
  /** Ends the probe; resolves once its process has exited. */
  quit(): Promise<void>;
}

/** Starts student-probe.ts for the quiet student; resolves once it is warm. */
export async function startQuietProbe(target: Target, cookie: string): Promise<QuietProbe> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'student-probe.ts'), JSON.stringify({ target, cookie })],
    {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error(`bench: the quiet student's probe exited (code ${child.exitCode})`);
    return line.value;
  };
  if ((await next()) !== 'ready') throw new Error('bench: the quiet student’s probe did not start');
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
      child.stdin.end('quit\n');
      await exited;
    },
  };
}
