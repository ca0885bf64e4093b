/** Starts bench/probe.ts as a child process and drives it: see there why the probe has a process of its own. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Target } from './client.ts';

export interface ProbeProcess {
  /** Starts the round trips. */
  go(): void;
  /** Stops them; resolves with every round trip, in ms. */
  stop(): Promise<number[]>;
}

export async function startProbe(kind: 'ceiling' | 'server', target?: Target): Promise<ProbeProcess> {
  const args = [
    '--import',
    'tsx',
    join(import.meta.dirname, 'probe.ts'),
    kind,
    ...(target ? [JSON.stringify(target)] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`bench: the probe process exited (code ${code})`));
      child.once('exit', onExit);
      lines.once('line', (line) => {
        child.off('exit', onExit);
        resolve(line);
      });
    });
  const ready = await next();
  if (ready !== 'ready') throw new Error(`bench: the probe process said ${ready}`);
  return {
    go: () => child.stdin.write('go\n'),
    stop: async () => {
      const result = next();
      child.stdin.write('stop\n');
      const times = JSON.parse(await result) as number[];
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
      return times;
    },
  };
}
