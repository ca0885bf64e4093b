/**
 * Finding and signalling every process of a lab shell's session. Interactive bash puts each job in its
 * own process group, so `kill(-pgid)` alone would miss `qemu … &`; the session id (the shell leader's pid,
 * node-pty calls setsid) covers them all. In a PID namespace (bwrap, or unshare: see sandbox.ts) nothing
 * can leave it at all.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
  /** Single-letter state; Z is a zombie (already dead, waiting to be reaped). */
  readonly state: string;
}

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses, so split after the last ')'. */
export function readProcess(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, pgid, sid] = fields;
  if (state === undefined || ppid === undefined || pgid === undefined || sid === undefined) return undefined;
  return { pid, ppid: Number(ppid), pgid: Number(pgid), sid: Number(sid), state };
}

export function listProcesses(): ProcessInfo[] {
  const list: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProcess(Number(name));
    if (info) list.push(info);
  }
  return list;
}

/**
 * Live (non-zombie) processes of a session, plus the descendants of its members that left it (setsid).
 * Matching on the session id is safe after the leader died: the kernel does not reuse a pid while any
 * process still uses it as a session id.
 */
export function sessionProcesses(leader: number): ProcessInfo[] {
  const all = listProcesses();
  const children = new Map<number, ProcessInfo[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found = new Map<number, ProcessInfo>();
  for (const p of all) if (p.sid === leader) found.set(p.pid, p);
  const queue = [...found.values()];
  while (queue.length > 0) {
    const p = queue.pop();
    if (!p) break;
    for (const child of children.get(p.pid) ?? []) {
      if (!found.has(child.pid)) {
        found.set(child.pid, child);
        queue.push(child);
      }
    }
  }
  return [...found.values()].filter((p) => p.state !== 'Z');
}

/**
 * Live processes of the tree rooted at `pid`, read from /proc/<pid>/task/<tid>/children: costs the size of
 * the tree, not of the machine (a full /proc scan takes milliseconds, fifty of them stall the server).
 * Enough inside bwrap's PID namespace, where orphans are re-parented to the namespace's init, in the tree.
 */
export function processTree(pid: number): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  const queue = [pid];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const current = queue.pop() as number;
    if (seen.has(current)) continue;
    seen.add(current);
    const info = readProcess(current);
    if (!info) continue;
    if (info.state !== 'Z') found.push(info);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${current}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        for (const child of readFileSync(`/proc/${current}/task/${task}/children`, 'utf8').split(' ')) {
          if (child.trim() !== '') queue.push(Number(child));
        }
      } catch {
        // the task ended meanwhile
      }
    }
  }
  return found;
}

/** The processes a lab shell is responsible for: its tree when sandboxed, its whole session otherwise. */
export function labProcesses(leader: number, sandboxed: boolean): ProcessInfo[] {
  return sandboxed ? processTree(leader) : sessionProcesses(leader);
}

/** Sends `signal` to every live process of the session; returns how many were signalled. */
export function signalSession(
  leader: number,
  signal: NodeJS.Signals,
  options: { readonly sparePid?: number; readonly sandboxed?: boolean } = {},
): number {
  let count = 0;
  for (const p of labProcesses(leader, options.sandboxed ?? false)) {
    if (p.pid === options.sparePid) continue;
    try {
      process.kill(p.pid, signal);
      count++;
    } catch {
      // already gone
    }
  }
  return count;
}
