/**
 * Starts bench/naive-server.ts as its own process on 127.0.0.1, as the lab server is started: the naive
 * peer whose figures the bench prints beside the lab server's (see naive-server.ts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Target } from './client.ts';
import { processOf, type ServerProcess } from './server-process.ts';

export interface NaivePeer {
  readonly target: Target;
  readonly process: ServerProcess;
  stop(): Promise<void>;
}

export async function startNaivePeer(): Promise<NaivePeer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'naive-server.ts')], {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench: the naive peer exited (code ${code})`)));
    lines.once('line', (line) => resolve(Number(/^port (\d+)$/.exec(line)?.[1] ?? Number.NaN)));
  });
  if (!Number.isInteger(port)) throw new Error('bench: the naive peer did not say its port');
  return {
    target: { port, origin: `http://127.0.0.1:${port}`, presenterCookie: '', audienceCookie: '' },
    process: processOf(child.pid ?? -1),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
