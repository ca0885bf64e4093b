/**
 * The class's cap on running VMs (--max-vms): TCG guests take a core each while they boot, and a
 * classroom laptop has few. Every VM a student starts (qemu by hand, `virsh start` through their session
 * libvirt, ▶) is a `qemu-system-*` process of their account; past the cap the newest ones are stopped at
 * once and their owner is told why, instead of every guest crawling. A ▶ that would start one past the
 * cap is refused before it is typed.
 */
import { readFileSync } from 'node:fs';
import { listProcesses } from './processes.ts';

export interface RunningVm {
  readonly pid: number;
  readonly uid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22): the newest have the largest. */
  readonly started: number;
}

/** qemu-system-* processes of these uids. */
export function runningVms(uids: ReadonlySet<number>): RunningVm[] {
  const vms: RunningVm[] = [];
  for (const { pid, state } of listProcesses()) {
    if (state === 'Z') continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const name = /^Name:\s*(\S+)/m.exec(status)?.[1] ?? '';
      if (!name.startsWith('qemu-system')) continue;
      const uid = Number(/^Uid:\s*(\d+)/m.exec(status)?.[1]);
      if (!uids.has(uid)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const started = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      vms.push({ pid, uid, started });
    } catch {
      // Gone meanwhile.
    }
  }
  return vms;
}

/** The VMs past the cap: the newest ones, so that those already running keep going. */
export function overCap(vms: readonly RunningVm[], cap: number): RunningVm[] {
  return [...vms].sort((a, b) => a.started - b.started || a.pid - b.pid).slice(cap);
}
