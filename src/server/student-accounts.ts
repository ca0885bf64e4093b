/**
 * The accounts students' lab shells run as: one Unix account per student, from a pool that
 * labs/setup-user.sh creates (cours-lab-e01, cours-lab-e02, …). Separate accounts make a student's files
 * (their session folders are 0700) unreadable and their processes unkillable by another student, give
 * each their own `qemu:///session`, and let RLIMIT_NPROC count exactly one student's processes.
 * An account goes back to the pool only once nothing of it runs any more.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listProcesses } from './processes.ts';
import type { LabAccount } from './sandbox.ts';

/** Pool names: `<lab user>-e01` … `-e99`, then `-e100` …: what labs/setup-user.sh creates. */
export function studentAccountName(labUser: string, index: number): string {
  return `${labUser}-e${String(index).padStart(2, '0')}`;
}

function lookup(name: string): LabAccount | undefined {
  const result = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  const fields = result.status === 0 ? result.stdout.trim().split(':') : [];
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  return fields.length >= 4 && Number.isInteger(uid) && uid > 0 && Number.isInteger(gid)
    ? { name, uid, gid }
    : undefined;
}

/** The uid a process runs as (its real uid), from /proc. */
function processUid(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Uid:'));
    const uid = Number(line?.split(/\s+/)[1]);
    return Number.isInteger(uid) ? uid : undefined;
  } catch {
    return undefined;
  }
}

/** Sends SIGKILL to every process of `uid`; returns how many were signalled. */
export function killAccountProcesses(uid: number): number {
  let killed = 0;
  for (const { pid, state } of listProcesses()) {
    if (state === 'Z' || processUid(pid) !== uid) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // Gone already.
    }
  }
  return killed;
}

/**
 * Where servers note which pool account they hold (one file per account: `<pid> <start time> <student
 * id>`), so that two lab servers on one machine (two classes on two ports, or a test beside a class) never
 * hand out, sweep or purge each other's students. Under /run: gone at reboot, like the processes it guards.
 */
export const DEFAULT_CLAIMS_DIR = '/run/cours-openstack-eleves';

interface Claim {
  readonly pid: number;
  readonly started: string;
  readonly student: string;
}

/** A process's start time (field 22 of /proc/PID/stat): with the pid, it names one process, reuse or not. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const SELF = { pid: process.pid, started: startTime(process.pid) ?? '' };

function readClaim(file: string): Claim | undefined {
  try {
    const [pid, started = '', student = ''] = readFileSync(file, 'utf8').trim().split(' ');
    return { pid: Number(pid), started, student };
  } catch {
    return undefined;
  }
}

/** The server that wrote the claim still runs (this one included: a claim is never written in advance). */
function held(claim: Claim | undefined): claim is Claim {
  if (!claim || !Number.isInteger(claim.pid) || claim.pid <= 0) return false;
  return startTime(claim.pid) === claim.started;
}

export class StudentAccounts {
  private readonly free: LabAccount[];
  private readonly taken = new Set<number>();

  private constructor(
    readonly all: readonly LabAccount[],
    private readonly claims: string,
  ) {
    this.free = [...all];
  }

  /** The pool's accounts that exist, in order, up to `wanted` of them. */
  static find(labUser: string, wanted: number, claims = DEFAULT_CLAIMS_DIR): StudentAccounts {
    const all: LabAccount[] = [];
    for (let index = 1; index <= wanted; index++) {
      const account = lookup(studentAccountName(labUser, index));
      if (!account) break;
      all.push(account);
    }
    return new StudentAccounts(all, claims);
  }

  get size(): number {
    return this.all.length;
  }

  /** A free account, claimed for `student`; undefined when every one is taken (here or by another server). */
  take(student: string): LabAccount | undefined {
    for (const [index, account] of this.free.entries()) {
      if (!this.claim(account, student)) continue;
      this.free.splice(index, 1);
      this.taken.add(account.uid);
      return account;
    }
    return undefined;
  }

  /** Ends whatever still runs as the account, then makes it available again. */
  give(account: LabAccount): void {
    if (!this.taken.delete(account.uid)) return;
    killAccountProcesses(account.uid);
    rmSync(this.claimFile(account), { force: true });
    this.free.push(account);
  }

  /**
   * At start: what an earlier server (killed, say) left running as any pool account that no running
   * server holds. Returns how many processes were ended.
   */
  sweep(): number {
    let killed = 0;
    for (const account of this.all) {
      if (this.taken.has(account.uid) || held(readClaim(this.claimFile(account)))) continue;
      killed += killAccountProcesses(account.uid);
      rmSync(this.claimFile(account), { force: true });
    }
    return killed;
  }

  /** Students of other running servers: their projects are not leftovers. */
  othersStudents(): string[] {
    return this.all
      .filter((account) => !this.taken.has(account.uid))
      .map((account) => readClaim(this.claimFile(account)))
      .filter(held)
      .map((claim) => claim.student)
      .filter((id) => id !== '');
  }

  private claimFile(account: LabAccount): string {
    return join(this.claims, account.name);
  }

  /** Writes the claim, unless a running server holds the account; a dead server's claim is taken over. */
  private claim(account: LabAccount, student: string): boolean {
    const file = this.claimFile(account);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        mkdirSync(this.claims, { recursive: true, mode: 0o700 });
        // `wx`: of two servers claiming at the same instant, one gets EEXIST and looks at the winner's claim.
        writeFileSync(file, `${SELF.pid} ${SELF.started} ${student}\n`, { flag: 'wx', mode: 0o600 });
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || held(readClaim(file))) return false;
        rmSync(file, { force: true });
      }
    }
    return false;
  }
}
