/**
 * The accounts students' lab shells run as: one Unix account per student, from a pool that
 * labs/setup-user.sh creates (cours-lab-e01, cours-lab-e02, …). Separate accounts make a student's files
 * (their session folders are 0700) unreadable and their processes unkillable by another student, give
 * each their own `qemu:///session`, and let RLIMIT_NPROC count exactly one student's processes.
 * An account goes back to the pool only once nothing of it runs any more.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  return fields.length >= 4 && Number.isInteger(uid) && uid > 0 && Number.isInteger(gid) ? { name, uid, gid } : undefined;
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

export class StudentAccounts {
  private readonly free: LabAccount[];
  private readonly taken = new Set<number>();

  private constructor(readonly all: readonly LabAccount[]) {
    this.free = [...all];
  }

  /** The pool's accounts that exist, in order, up to `wanted` of them. */
  static find(labUser: string, wanted: number): StudentAccounts {
    const all: LabAccount[] = [];
    for (let index = 1; index <= wanted; index++) {
      const account = lookup(studentAccountName(labUser, index));
      if (!account) break;
      all.push(account);
    }
    return new StudentAccounts(all);
  }

  get size(): number {
    return this.all.length;
  }

  take(): LabAccount | undefined {
    const account = this.free.shift();
    if (account) this.taken.add(account.uid);
    return account;
  }

  /** Ends whatever still runs as the account, then makes it available again. */
  give(account: LabAccount): void {
    if (!this.taken.delete(account.uid)) return;
    killAccountProcesses(account.uid);
    this.free.push(account);
  }

  /** At start: what an earlier server (killed, say) left running as any pool account. */
  sweep(): number {
    let killed = 0;
    for (const account of this.all) if (!this.taken.has(account.uid)) killed += killAccountProcesses(account.uid);
    return killed;
  }
}
