/**
 * The pool of students' accounts shared by every lab server of the machine (as root, as in CI): an
 * account another running server holds is neither handed out, nor swept, nor purged; a dead server's
 * hold is taken over and what it left running is ended.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StudentAccounts } from '../../src/server/student-accounts.ts';
import { ROOT, scratchDir, waitUntil } from '../helpers/lab-server.ts';

const children: ChildProcess[] = [];

beforeAll(() => {
  execFileSync('bash', [join(ROOT, 'labs', 'setup-user.sh')], {
    stdio: 'ignore',
    env: { ...process.env, COURS_LAB_STUDENTS: '4' },
  });
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function startedAt(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

/** A process standing for another lab server: its claim on `account` holds while it runs. */
function otherServer(claims: string, account: string, student: string): ChildProcess {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  const pid = child.pid ?? 0;
  writeFileSync(join(claims, account), `${pid} ${startedAt(pid)} ${student}\n`);
  return child;
}

/** A process running as the pool account `account`, as a student's shell would. */
function runningAs(account: string): ChildProcess {
  const child = spawn('runuser', ['-u', account, '--', 'sleep', '60'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

const alive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/** Some process runs as `account` (ps exits 1 when none does). */
function hasProcess(account: string): boolean {
  try {
    return execFileSync('ps', ['-u', account, '-o', 'pid='], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

describe('students’ accounts of one machine', () => {
  it('hands out the accounts another running server does not hold, and each only once', () => {
    const claims = scratchDir('claims');
    const pool = StudentAccounts.find('cours-lab', 3, claims);
    expect(pool.size).toBe(3);
    otherServer(claims, 'cours-lab-e01', 'autre1');
    expect(pool.take('alice')?.name).toBe('cours-lab-e02');
    expect(pool.take('bruno')?.name).toBe('cours-lab-e03');
    expect(pool.take('chloe')).toBeUndefined();
    expect(readFileSync(join(claims, 'cours-lab-e02'), 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+ alice\\n$`));
    // A second pool over the same claims (another server) finds nothing free either.
    expect(StudentAccounts.find('cours-lab', 3, claims).take('denis')).toBeUndefined();
  });

  it('sweeps what a dead server left, and leaves a running server’s students alone', async () => {
    const claims = scratchDir('claims');
    const other = otherServer(claims, 'cours-lab-e01', 'autre1');
    const held = runningAs('cours-lab-e01');
    const left = runningAs('cours-lab-e02');
    // e02's holder is dead: a pid that ran once and exited.
    writeFileSync(join(claims, 'cours-lab-e02'), '1 0 parti\n');
    await waitUntil(() => hasProcess('cours-lab-e02') || undefined, 'e02’s process');
    const pool = StudentAccounts.find('cours-lab', 3, claims);
    expect(pool.othersStudents()).toEqual(['autre1']);
    expect(pool.sweep()).toBeGreaterThanOrEqual(1);
    await waitUntil(() => !alive(left) || undefined, 'the dead server’s leftover ended');
    expect(alive(held)).toBe(true);
    expect(pool.take('alice')?.name).toBe('cours-lab-e02');
    other.kill('SIGKILL');
    await waitUntil(() => !alive(other) || undefined, 'the other server gone');
    expect(pool.othersStudents()).toEqual([]);
    pool.sweep();
    await waitUntil(() => !alive(held) || undefined, 'its student’s process ended once it is gone');
    expect(pool.take('bruno')?.name).toBe('cours-lab-e01');
  });

  it('gives an account back: its processes end and its claim goes', async () => {
    const claims = scratchDir('claims');
    const pool = StudentAccounts.find('cours-lab', 1, claims);
    const account = pool.take('alice');
    expect(account).toBeDefined();
    if (!account) return;
    const shell = runningAs(account.name);
    await waitUntil(() => hasProcess(account.name) || undefined, 'the student’s process');
    pool.give(account);
    await waitUntil(() => !alive(shell) || undefined, 'the student’s process ended');
    expect(() => readFileSync(join(claims, account.name))).toThrow();
    expect(pool.take('bruno')?.name).toBe(account.name);
  });
});
