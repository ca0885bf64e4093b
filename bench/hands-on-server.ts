/**
 * The lab server of the `students` case: a real process on 127.0.0.1 with --hands-on, the course's own
 * labs (the `cloud` lab provisions each student's OpenStack project) plus the bench lab, which the
 * presenter's probe (probe.ts) opens. Both sets live in one labs folder of links, so that neither the
 * probe nor labs/ changes for the bench. And what the case reads of the machine from outside: /proc.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnLabServer, type SpawnedServer } from './server-process.ts';

const ROOT = join(import.meta.dirname, '..');

/** stop(): SIGTERM, and the server ends the class (sessions, folders, OpenStack projects) before it exits. */
export type HandsOnServer = SpawnedServer;

/** labs/<id> and bench/labs/bench, side by side in `dir`, as links (the labs' scripts find their files). */
function linkLabs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(join(ROOT, 'labs'))) {
    if (existsSync(join(ROOT, 'labs', name, 'lab.json'))) symlinkSync(join(ROOT, 'labs', name), join(dir, name));
  }
  symlinkSync(join(ROOT, 'bench', 'labs', 'bench'), join(dir, 'bench'));
}

export async function startHandsOnServer(scratch: string, dist: string, maxStudents: number): Promise<HandsOnServer> {
  // One Unix account per student: the class's size of them (labs/setup-user.sh makes the missing ones).
  execFileSync('bash', [join(ROOT, 'labs', 'setup-user.sh')], {
    stdio: 'ignore',
    env: { ...process.env, COURS_LAB_STUDENTS: String(maxStudents) },
  });
  const labs = join(scratch, 'students-labs');
  linkLabs(labs);
  // Every page of the bench comes from 127.0.0.1: the per-address cap would otherwise stop the class at 16.
  const clients = String(maxStudents * 2 + 40);
  const args = [
    '--labs',
    labs,
    '--state',
    join(scratch, 'students-state'),
    '--dist',
    dist,
    '--hands-on',
    '--max-students',
    String(maxStudents),
  ];
  args.push('--max-clients', clients, '--max-per-address', clients, '--grace', '1');
  return spawnLabServer(ROOT, args, [], true);
}

/** A process's resident memory (bytes) and CPU time (ms, all threads, USER_HZ 100). */
export function processStats(pid: number): { readonly rss: number; readonly cpuMs: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name (field 2) may hold spaces: fields are counted after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      rss: Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024,
      cpuMs: (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10,
    };
  } catch {
    return { rss: 0, cpuMs: 0 };
  }
}

/** The whole machine's CPU time from /proc/stat, in ticks: busy (not idle nor iowait) and total. */
export function machineTicks(): { readonly busy: number; readonly total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

/** The uids of the class's accounts (cours-lab-e01…, labs/setup-user.sh). */
export function studentUids(): ReadonlySet<number> {
  const uids = new Set<number>();
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const fields = line.split(':');
    if (/^cours-lab-e\d+$/.test(fields[0] ?? '')) uids.add(Number(fields[2]));
  }
  return uids;
}

/** Resident memory of every process of the class's accounts (bytes), and the tasks (threads) of one uid. */
export function classProcesses(
  uids: ReadonlySet<number>,
  one: number,
): { readonly rss: number; readonly tasksOfOne: number } {
  let rss = 0;
  for (const line of execFileSync('ps', ['-e', '-o', 'uid=,rss='], { encoding: 'utf8' }).split('\n')) {
    const [uid, kib] = line.trim().split(/\s+/).map(Number);
    if (uid !== undefined && uids.has(uid)) rss += (kib ?? 0) * 1024;
  }
  // RLIMIT_NPROC counts threads: count them as the limit does.
  const tasksOfOne = execFileSync('ps', ['-e', '-L', '-o', 'uid='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => Number(line.trim()) === one).length;
  return { rss, tasksOfOne };
}
