/**
 * A cgroup per student account, when the machine lets the server make one (root, cgroup v1 controllers
 * mounted writable, or cgroup v2 with the controllers delegated): memory and CPU weight for all of a
 * student's processes together, which rlimits cannot express. Without it the student keeps the rlimits
 * (processes, file size) and the labs' nice 10, and the server says so at start.
 *
 * A shell joins its group by writing its own pid into each cgroup.procs before it execs the lab (see
 * JOIN_SCRIPT), so nothing it starts can be born outside.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';
const GROUP = 'cours-lab';

export interface CgroupLimits {
  readonly memoryBytes: number;
  /** cgroup v1 cpu.shares (1024 = a default process); v2's cpu.weight is derived (100 = default). */
  readonly cpuShares: number;
  readonly processes: number;
}

export interface StudentCgroup {
  /** The cgroup.procs files a shell writes its pid into. */
  readonly procs: readonly string[];
  /** Removes the group's directories (once its processes are gone). */
  remove(): void;
}

/** Writes its pid into each file up to `--`, then runs the rest: argv prefix for a lab shell. */
export const JOIN_SCRIPT = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 97; shift; done; shift; exec "$@"';

export function joinArgv(group: StudentCgroup | undefined): string[] {
  return group ? ['/bin/sh', '-c', JOIN_SCRIPT, 'cgroup-join', ...group.procs, '--'] : [];
}

function write(file: string, value: string): void {
  writeFileSync(file, value);
}

function makeV2(name: string, limits: CgroupLimits): StudentCgroup {
  const parent = join(ROOT, GROUP);
  mkdirSync(parent, { recursive: true });
  // Controllers must be enabled on the way down; the root's are delegated by whoever mounted it.
  const wanted = ['memory', 'cpu', 'pids'];
  write(join(ROOT, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
  write(join(parent, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  write(join(dir, 'memory.max'), String(limits.memoryBytes));
  write(join(dir, 'pids.max'), String(limits.processes));
  write(join(dir, 'cpu.weight'), String(Math.max(1, Math.round((limits.cpuShares / 1024) * 100))));
  return { procs: [join(dir, 'cgroup.procs')], remove: () => rmdirSync(dir) };
}

function makeV1(name: string, limits: CgroupLimits): StudentCgroup {
  const settings: Record<string, Record<string, string>> = {
    memory: { 'memory.limit_in_bytes': String(limits.memoryBytes) },
    cpu: { 'cpu.shares': String(limits.cpuShares) },
    pids: { 'pids.max': String(limits.processes) },
  };
  const dirs: string[] = [];
  for (const [controller, files] of Object.entries(settings)) {
    const dir = join(ROOT, controller, GROUP, name);
    mkdirSync(dir, { recursive: true });
    dirs.push(dir);
    for (const [file, value] of Object.entries(files)) write(join(dir, file), value);
  }
  return {
    procs: dirs.map((dir) => join(dir, 'cgroup.procs')),
    remove: () => {
      for (const dir of dirs) rmdirSync(dir);
    },
  };
}

/** A group for `name` with these limits, or a French sentence saying why there is none. */
export function makeCgroup(name: string, limits: CgroupLimits): StudentCgroup | string {
  if (process.getuid?.() !== 0) return 'le serveur ne tourne pas en root';
  try {
    if (existsSync(join(ROOT, 'cgroup.controllers'))) {
      const available = readFileSync(join(ROOT, 'cgroup.controllers'), 'utf8');
      if (!/\bmemory\b/.test(available) || !/\bpids\b/.test(available))
        return `contrôleurs cgroup v2 absents (${available.trim()})`;
      return makeV2(name, limits);
    }
    if (['memory', 'cpu', 'pids'].every((c) => existsSync(join(ROOT, c)))) return makeV1(name, limits);
    return 'aucun cgroup memory/cpu/pids monté';
  } catch (error) {
    return `cgroup impossible (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}
