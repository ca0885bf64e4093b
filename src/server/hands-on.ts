/**
 * The hands-on class (--hands-on): students join by name, each gets an account of the pool, a cgroup
 * and rlimits, and what each lab provisions for them; the presenter's pages get the roster; the class
 * ends (presenter's command, or the server stopping) by removing all of it, cloud projects included.
 * A student is one more kind of owner of sessions (session-registry.ts), not another code path.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { roomStudent, studentRoom, type JoinAnswer, type StudentInfo } from '../protocol/classroom.ts';
import { errorValue, type ErrorValue } from '../protocol/errors.ts';
import type { ServerMessage } from '../protocol/messages.ts';
import { makeCgroup } from './cgroups.ts';
import type { ResolvedConfig } from './config.ts';
import type { LabDefinition } from './labs.ts';
import { Disposable, disposableInterval, toDisposable } from './lifecycle.ts';
import { runProvision } from './provision.ts';
import type { Sandbox } from './sandbox.ts';
import { removeSessionDir } from './session-dir.ts';
import type { SessionRegistry } from './session-registry.ts';
import type { SessionOwner } from './session.ts';
import {
  ROSTER_INTERVAL_MS,
  STUDENT_CPU_SHARES,
  STUDENT_MAX_FILE_BYTES,
  STUDENT_MAX_PROCESSES,
  STUDENT_MAX_SESSIONS,
  STUDENT_MEMORY_BYTES,
  VM_CHECK_MS,
} from './server-limits.ts';
import type { StudentAccounts } from './student-accounts.ts';
import { Student, StudentList } from './students.ts';
import { overCap, runningVms } from './vm-cap.ts';

/** A page of the class, as the class sees it (connection.ts). */
export interface ClassPeer {
  readonly role: 'presenter' | 'audience' | 'student';
  readonly student: Student | undefined;
  send(message: ServerMessage): void;
  /** The class ended under a student's page: closed, so that it comes back as audience. */
  close(code: number, reason: string): void;
}

export type OwnerResult =
  { readonly ok: true; readonly owner: SessionOwner } | { readonly ok: false; readonly error: ErrorValue };

export class HandsOn extends Disposable {
  private readonly students = new StudentList();
  private readonly peers = new Set<ClassPeer>();
  private readonly root: string;
  private rosterTimer: NodeJS.Timeout | undefined;
  /** Leftovers of an earlier class are removed before anyone's lab is provisioned. */
  readonly purged: Promise<void>;
  private ending: Promise<void> | undefined;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly sandbox: Sandbox,
    private readonly accounts: StudentAccounts,
    private readonly labs: ReadonlyMap<string, LabDefinition>,
    private readonly registry: SessionRegistry,
  ) {
    super();
    this.root = join(config.stateDir, 'students');
    this.register(toDisposable(() => this.rosterTimer && clearTimeout(this.rosterTimer)));
    this.register(disposableInterval(VM_CHECK_MS, () => this.capVms()));
    const listener = (): void => this.changed();
    registry.listeners.add(listener);
    this.register(toDisposable(() => registry.listeners.delete(listener)));
    this.purged = this.purge();
  }

  /** Students the class takes: the flag, within the accounts labs/setup-user.sh made. */
  get capacity(): number {
    return Math.min(this.config.maxStudents, this.accounts.size);
  }

  bySecret(secret: string): Student | undefined {
    return this.students.bySecret(secret);
  }

  /** POST /api/join: the page's current student (a second join is the same person), or a new one. */
  join(
    name: unknown,
    current: Student | undefined,
  ): { readonly status: number; readonly answer: JoinAnswer; readonly secret?: string } {
    if (current) return { status: 200, answer: { ok: true, student: { id: current.id, name: current.name } } };
    const admitted = this.students.admit(name, this.capacity, (id, display, secret) => this.make(id, display, secret));
    if (!admitted.ok) return { status: admitted.status, answer: { ok: false, ...admitted.error } };
    const { student } = admitted;
    console.log(`lab server: ${student.name} rejoint la classe (compte ${student.account.name})`);
    this.changed();
    return {
      status: 200,
      answer: { ok: true, student: { id: student.id, name: student.name } },
      secret: student.secret,
    };
  }

  private make(id: string, name: string, secret: string): Student | ErrorValue {
    const account = this.accounts.take(id);
    if (!account) return errorValue('CLASS_FULL', { detail: 'plus de compte d’élève libre (labs/setup-user.sh)' });
    const dir = join(this.root, id);
    try {
      mkdirSync(this.root, { recursive: true, mode: 0o711 });
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, account.uid, account.gid);
    } catch (error) {
      this.accounts.give(account);
      return errorValue('INTERNAL', { detail: (error as Error).message });
    }
    const limits = {
      memoryBytes: STUDENT_MEMORY_BYTES,
      cpuShares: STUDENT_CPU_SHARES,
      processes: STUDENT_MAX_PROCESSES,
    };
    const cgroup = makeCgroup(account.name, limits);
    if (typeof cgroup === 'string')
      console.error(`lab server: ${name} sans cgroup (${cgroup}) : limites de processus et de fichiers seulement`);
    const sandbox = this.sandbox.forStudent(
      account,
      {
        processes: STUDENT_MAX_PROCESSES,
        fileBytes: STUDENT_MAX_FILE_BYTES,
        cgroup: typeof cgroup === 'string' ? undefined : cgroup,
      },
      dir,
    );
    return new Student(id, name, secret, account, sandbox, typeof cgroup === 'string' ? undefined : cgroup, dir);
  }

  /** A page joined the class's conversation (after its hello). */
  joined(peer: ClassPeer): void {
    this.peers.add(peer);
    if (peer.student) {
      peer.student.connections++;
      this.changed();
    }
    if (peer.role === 'presenter') peer.send({ type: 'class', students: this.roster() });
  }

  left(peer: ClassPeer): void {
    if (!this.peers.delete(peer)) return;
    if (peer.student) {
      peer.student.connections = Math.max(0, peer.student.connections - 1);
      this.changed();
    }
  }

  verified(student: Student, lab: string, exercise: string, passed: boolean): void {
    student.attempted(lab, exercise, passed);
    this.changed();
  }

  slide(student: Student, index: number): void {
    if (student.slide === index) return;
    student.slide = index;
    this.changed();
  }

  /**
   * The owner a student's new session of `lab` runs under: their sandbox, and LAB_OWNER_DIR once the
   * lab's provision script made what they need. The first call starts it (LAB_PREPARING until done).
   */
  ownerFor(student: Student, lab: LabDefinition): OwnerResult {
    if (this.ending) return { ok: false, error: errorValue('CLASS_ENDED') };
    const open = this.registry.list().filter((s) => s.room === studentRoom(student.id)).length;
    if (open >= STUDENT_MAX_SESSIONS)
      return { ok: false, error: errorValue('STUDENT_SESSION_LIMIT', { detail: `${STUDENT_MAX_SESSIONS} au plus` }) };
    let provision = student.provisions.get(lab.id);
    if (!provision && lab.provision === undefined) {
      provision = { state: 'ready', dir: undefined };
      student.provisions.set(lab.id, provision);
    }
    if (!provision) {
      provision = { state: 'pending', done: this.provision(student, lab) };
      student.provisions.set(lab.id, provision);
    }
    if (provision.state === 'pending') return { ok: false, error: errorValue('LAB_PREPARING') };
    if (provision.state === 'failed')
      return { ok: false, error: errorValue('LAB_PROVISION_FAILED', { detail: provision.problem }) };
    const env: Record<string, string> = { LAB_OWNER: 'student' };
    if (provision.dir !== undefined) env['LAB_OWNER_DIR'] = provision.dir;
    return {
      ok: true,
      owner: {
        sandbox: student.sandbox,
        env,
        command: (text) => {
          student.last = { lab: lab.id, text };
          this.changed();
        },
        status: (exit) => {
          if (student.last?.lab !== lab.id || student.last.exit !== undefined) return;
          student.last = { ...student.last, exit };
          this.changed();
        },
      },
    };
  }

  private async provision(student: Student, lab: LabDefinition): Promise<void> {
    await this.purged;
    const dir = join(student.dir, lab.id);
    let result: Awaited<ReturnType<typeof runProvision>>;
    try {
      mkdirSync(dir, { mode: 0o700 });
      result = await runProvision(lab, 'add', [student.id, dir], this.config.env);
      // Made by the server's account; the student's shells read them.
      if (result.ok) spawnSync('chown', ['-R', `${student.account.uid}:${student.account.gid}`, '--', dir]);
    } catch (error) {
      result = { ok: false, problem: (error as Error).message };
    }
    if (this.students.byId(student.id) !== student) return;
    student.provisions.set(lab.id, result.ok ? { state: 'ready', dir } : { state: 'failed', problem: result.problem });
    if (!result.ok) console.error(`lab server: ${lab.id} de ${student.name} non préparé : ${result.problem}`);
  }

  /** The uids of the class's students, for counting their VMs. */
  private uids(): Set<number> {
    return new Set(this.students.list().map((s) => s.account.uid));
  }

  /** A ▶ that starts a VM (a command that holds a guest's console) past --max-vms is refused. */
  runRefusal(lab: LabDefinition, commandId: string): ErrorValue | undefined {
    if (!lab.commandInfo[commandId]?.holds?.guest) return undefined;
    const running = runningVms(this.uids()).length;
    return running >= this.config.maxVms
      ? errorValue('VM_LIMIT', { detail: `${running} sur ${this.config.maxVms}` })
      : undefined;
  }

  /** VMs started by hand past the cap are stopped at once, and their owner told why. */
  private capVms(): void {
    if (this.students.size === 0) return;
    const uids = this.uids();
    for (const vm of overCap(runningVms(uids), this.config.maxVms)) {
      try {
        process.kill(vm.pid, 'SIGTERM');
      } catch {
        continue;
      }
      const owner = this.students.list().find((s) => s.account.uid === vm.uid);
      if (!owner) continue;
      console.log(`lab server: VM de ${owner.name} arrêtée (--max-vms ${this.config.maxVms})`);
      const error = errorValue('VM_LIMIT', { detail: `votre VM a été arrêtée (${this.config.maxVms} au plus)` });
      for (const session of this.registry.list()) if (session.room === studentRoom(owner.id)) session.notify(error);
    }
  }

  roster(): StudentInfo[] {
    const open = new Map<string, string[]>();
    for (const session of this.registry.list()) {
      const id = roomStudent(session.room);
      if (id !== undefined) open.set(id, [...(open.get(id) ?? []), session.lab.id]);
    }
    return this.students.list().map((s) => ({
      id: s.id,
      name: s.name,
      connected: s.connections > 0,
      ...(s.slide === undefined ? {} : { slide: s.slide }),
      labs: open.get(s.id) ?? [],
      ...(s.last === undefined ? {} : { last: s.last }),
      ...(s.exercises.size === 0 ? {} : { exercises: [...s.exercises.values()] }),
    }));
  }

  /** Something the panel shows changed: presenters get the roster, at most once per ROSTER_INTERVAL_MS. */
  changed(): void {
    if (this.rosterTimer || this.isDisposed) return;
    this.rosterTimer = setTimeout(() => {
      this.rosterTimer = undefined;
      const message: ServerMessage = { type: 'class', students: this.roster() };
      for (const peer of this.peers) if (peer.role === 'presenter') peer.send(message);
    }, ROSTER_INTERVAL_MS);
  }

  /** Ends the class: students' pages told and closed, sessions ended, provisions removed, accounts freed. */
  endClass(): Promise<void> {
    this.ending ??= this.end().finally(() => (this.ending = undefined));
    return this.ending;
  }

  private async end(): Promise<void> {
    const students = this.students.clear();
    for (const peer of [...this.peers]) {
      if (!peer.student) continue;
      peer.send({ type: 'class-ended' });
      peer.close(4001, 'classe terminée');
    }
    const sessions = this.registry.list().filter((s) => roomStudent(s.room) !== undefined);
    for (const session of sessions) session.end('ended');
    await Promise.all(sessions.map((s) => s.closed));
    await Promise.all(students.map((s) => this.release(s)));
    this.changed();
    if (students.length > 0) console.log(`lab server: classe terminée, ${students.length} élève(s) effacé(s)`);
  }

  private async release(student: Student): Promise<void> {
    for (const [labId, provision] of student.provisions) {
      const lab = this.labs.get(labId);
      if (provision.state === 'pending') await provision.done;
      const now = student.provisions.get(labId);
      if (!lab || lab.provision === undefined || now?.state === 'failed') continue;
      const result = await runProvision(lab, 'remove', [student.id, join(student.dir, labId)], this.config.env);
      if (!result.ok) console.error(`lab server: ${labId} de ${student.name} non effacé : ${result.problem}`);
    }
    this.accounts.give(student.account);
    const problem = await removeSessionDir(student.dir, student.account);
    if (problem) console.error(`lab server: dossier de ${student.name} non effacé : ${problem}`);
    try {
      student.cgroup?.remove();
    } catch {
      // A process may linger a moment after SIGKILL; the group is made again on the next join.
    }
  }

  /** What an earlier class left: processes of pool accounts, student folders, provisioned projects. */
  private async purge(): Promise<void> {
    const killed = this.accounts.sweep();
    if (killed > 0) console.log(`lab server: ${killed} processus d’une classe précédente arrêtés`);
    let leftovers: string[] = [];
    try {
      leftovers = readdirSync(this.root);
    } catch {
      // No earlier class.
    }
    for (const name of leftovers) {
      const dir = join(this.root, name);
      const { uid, gid } = lstatSync(dir);
      const problem = await removeSessionDir(dir, uid === 0 ? undefined : { uid, gid });
      if (problem) console.error(`lab server: ${dir} d’une classe précédente non effacé : ${problem}`);
    }
    for (const lab of this.labs.values()) {
      if (lab.provision === undefined) continue;
      // Another class running on this machine keeps its students' projects.
      const result = await runProvision(lab, 'purge', this.accounts.othersStudents(), this.config.env);
      if (!result.ok)
        console.error(`lab server: ${lab.id} : ménage de la classe précédente impossible : ${result.problem}`);
      else if (result.output) console.log(`lab server: ${lab.id} : ${result.output}`);
    }
  }
}
