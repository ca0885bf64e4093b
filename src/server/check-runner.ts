/**
 * Runs an exercise's checks (lab-exercise.ts) the way the session's shell runs: same sandbox, account,
 * limits, working directory and environment, but as a process of its own (`bash -c`), never typed into
 * the terminal, so the student's screen and history stay theirs. Bounded in time and output; the
 * results come back in lab.json order.
 */
import { spawn } from 'node:child_process';
import type { CheckResult } from '../protocol/messages.ts';
import { DEFAULT_CHECK_TIMEOUT_MS, type ExerciseCheck, type LabExercise } from '../protocol/lab-exercise.ts';

/** Output kept per check: enough for any `expect`, bounded against a check that prints forever. */
const MAX_OUTPUT = 256 * 1024;

/** How to start a command in the session's sandbox (session-shell.ts fills it, as its shell runs). */
export interface CheckSpawn {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface CheckOutcome {
  readonly code: number | null;
  readonly output: string;
  readonly timedOut: boolean;
  readonly error?: string;
}

export function runCheckProcess(
  spawnOf: (command: string) => CheckSpawn,
  command: string,
  timeoutMs: number,
): Promise<CheckOutcome> {
  const { file, args, cwd, env } = spawnOf(command);
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    // Its own process group: a timeout ends whatever the check started (bwrap and unshare end their namespace with it).
    const child = spawn(file, [...args], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const keep = (data: Buffer): void => {
      if (output.length < MAX_OUTPUT) output += data.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output, timedOut, error: error.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      kill();
      resolve({ code, output, timedOut });
    });
  });
}

/** A check's outcome as the pane shows it. */
export function judge(check: ExerciseCheck, outcome: CheckOutcome): CheckResult {
  const timeout = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  if (outcome.error !== undefined)
    return { check: check.id, state: 'error', message: `la vérification n’a pas pu se lancer (${outcome.error})` };
  if (outcome.timedOut)
    return { check: check.id, state: 'timeout', message: `pas de réponse en ${Math.round(timeout / 1000)} s` };
  const okCodes = check.ok ?? [0];
  const passed =
    outcome.code !== null &&
    okCodes.includes(outcome.code) &&
    (check.expect === undefined || new RegExp(check.expect, 'm').test(outcome.output));
  return passed ? { check: check.id, state: 'pass' } : { check: check.id, state: 'fail', hint: check.hint };
}

/** Every check of the exercise, one after the other (a later check may rely on an earlier one's state). */
export async function runExercise(
  exercise: LabExercise,
  spawnOf: (command: string) => CheckSpawn,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of exercise.checks) {
    const outcome = await runCheckProcess(spawnOf, check.run, check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS);
    results.push(judge(check, outcome));
  }
  return results;
}
