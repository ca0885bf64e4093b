/**
 * The students of the `students` case at work: they join by name, each opens their own `cloud` session
 * (their OpenStack project is made meanwhile: LAB_PREPARING, tried again every 2 s) and works at a
 * person's pace: think 20-40 s, type a command at about 8 keys a second, Enter, wait for the prompt.
 * Each command is recorded with the window (class size) its Enter fell in, so the windows stay apart.
 */
import type { Target } from './client.ts';
import { pause } from './stats.ts';
import { joinClass, StudentPage } from './student-page.ts';

const LIST = 'openstack server list';
const CREATE = 'openstack server create --flavor m1.tiny --image cirros-0.3.4-x86_64-uec --network private';
/** One command in five makes a server (the Nova chapter's rhythm: list, list, create, list…). */
const CREATE_SHARE = 0.2;
const THINK_MS = [20_000, 40_000] as const;
const KEYS_PER_S = 8;
/** Students whose join and first attach are under way at once: a class arriving, not a stampede. */
const JOINING_AT_ONCE = 10;

/** One command a student ran: when, how long from Enter to prompt, and its exit status. */
export interface CommandRecord {
  /** The N whose window the Enter fell in, undefined outside the windows. */
  readonly phase: number | undefined;
  readonly ms: number;
  readonly status: number;
}

/** When students work, and what their commands took. */
export class Rhythm {
  phase: number | undefined;
  stopping = false;
  readonly records: CommandRecord[] = [];
  readonly problems: string[] = [];
  private wake: () => void = () => undefined;
  private readonly stopped = new Promise<void>((resolve) => (this.wake = resolve));

  sleep(ms: number): Promise<void> {
    return Promise.race([pause(ms), this.stopped]);
  }

  stop(): void {
    this.stopping = true;
    this.wake();
  }
}

/** A student of the class: their page, their number, the servers they made, and their work under way. */
export interface Member {
  readonly page: StudentPage;
  readonly index: number;
  readonly vms: string[];
  done: Promise<void>;
}

async function practise(member: Member, rhythm: Rhythm): Promise<void> {
  // Students do not start in step: the first command comes anywhere in a think time.
  await rhythm.sleep(Math.random() * THINK_MS[1]);
  let made = 0;
  while (!rhythm.stopping) {
    const vm = Math.random() < CREATE_SHARE ? `vm-${member.index}-${++made}` : undefined;
    await member.page.type(vm ? `${CREATE} ${vm}` : LIST, KEYS_PER_S, () => rhythm.stopping);
    if (rhythm.stopping) return member.page.input('\u0015');
    const phase = rhythm.phase;
    const { ms, status } = await member.page.enter();
    if (vm && status === 0) member.vms.push(vm);
    rhythm.records.push({ phase, ms, status });
    await rhythm.sleep(THINK_MS[0] + Math.random() * (THINK_MS[1] - THINK_MS[0]));
  }
}

/** Joins students up to `count`, each opening their cloud lab; they start working as soon as they have it. */
export async function grow(
  target: Target,
  members: Member[],
  count: number,
  rhythm: Rhythm,
  joinMs: number[],
  failures: string[],
): Promise<void> {
  const have = members.length + failures.length;
  const waiting = Array.from({ length: Math.max(0, count - have) }, (_, k) => have + k + 1);
  const joinOne = async (index: number): Promise<void> => {
    const start = performance.now();
    try {
      const page = await StudentPage.open(target, await joinClass(target, `bench ${index}`));
      await page.attach('cloud');
      joinMs.push(performance.now() - start);
      const member: Member = { page, index, vms: [], done: Promise.resolve() };
      member.done = practise(member, rhythm).catch(
        (error: unknown) => void rhythm.problems.push(`bench ${index}: ${(error as Error).message.slice(0, 200)}`),
      );
      members.push(member);
    } catch (error) {
      failures.push(`bench ${index}: ${(error as Error).message.slice(0, 300)}`);
    }
  };
  await Promise.all(
    Array.from({ length: JOINING_AT_ONCE }, async () => {
      for (let index = waiting.shift(); index !== undefined; index = waiting.shift()) await joinOne(index);
    }),
  );
}
