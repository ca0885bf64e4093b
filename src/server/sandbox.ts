/**
 * How a lab shell is started: as whom, and inside what.
 *
 * - Started as root, the server drops lab shells to a dedicated account (labs/setup-user.sh) with
 *   `setpriv --init-groups --no-new-privs`, not node-pty's uid/gid options: node-pty calls setgid/setuid
 *   without setgroups, so the shell would keep root's supplementary groups (gid 0), and setuid programs
 *   could regain privileges. setpriv sets the account's own groups (kvm included) and forbids that.
 * - bwrap (when it works here) adds a PID namespace that dies with the shell (nothing a lab starts, even
 *   with setsid or nohup, survives its session), a read-only view of the system, a private /tmp, and the
 *   session directory as the only writable place. The network is shared: labs talk to local services.
 * - Without bwrap (--sandbox none, or bwrap missing), `unshare --pid` from util-linux still gives each
 *   shell its own PID namespace ("pidns"): without it a double fork (`(setsid cmd &)`) left the session
 *   for good, outlived resets and the server, and could race the removal of the session directory.
 *   The shell is the namespace's init, so when it ends the kernel kills everything it left; unshare
 *   (--kill-child) and setpriv (--pdeathsig) kill it in turn if the server dies (kill -9 included:
 *   the pty hangs up, unshare dies of SIGHUP).
 * - Started as root with neither, `--sandbox auto` refuses to run lab shells (see resolveSandbox).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from './config.ts';
import { DEFAULT_PATH } from './env.ts';
import { findOnPath } from './labs.ts';
import { joinArgv, type StudentCgroup } from './cgroups.ts';
import { createSessionDir, removeSessionDir } from './session-dir.ts';

/** bwrap: full sandbox; pidns: a PID namespace only (unshare); none: the shell's session, nothing more. */
export type IsolationMode = 'bwrap' | 'pidns' | 'none';

export interface LabAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export interface Sandbox {
  readonly mode: IsolationMode;
  /** Every process of a shell lives in its PID namespace: its process tree is all of them. */
  readonly isolated: boolean;
  /** The account shells run as when the server runs as root; undefined: the server's own account. */
  readonly account: LabAccount | undefined;
  /** The user name shells see in USER/LOGNAME. */
  readonly userName: string;
  /** One line for the start-up output. */
  readonly description: string;
  readonly warnings: readonly string[];
  /** argv that runs `shell` for a session whose working directory is `dir`. */
  command(shell: readonly string[], dir: string): { readonly file: string; readonly args: readonly string[] };
  /** Creates a fresh session directory the shell's account owns. */
  createSessionDir(parent: string, prefix: string): string;
  /** Removes a session directory as the shell's account; never rejects (see session-dir.ts). */
  removeSessionDir(dir: string): Promise<string | undefined>;
  /**
   * The same isolation for a student: their own account, within their limits (hands-on class), with
   * their own folder (`ownDir`: what their labs provisioned) readable in the sandbox.
   */
  forStudent(account: LabAccount, limits: StudentShellLimits, ownDir: string): Sandbox;
}

/** What bounds one student's shells besides the isolation every lab shell has. */
export interface StudentShellLimits {
  /** RLIMIT_NPROC of the account. */
  readonly processes: number;
  /** RLIMIT_FSIZE, bytes. */
  readonly fileBytes: number;
  /** The student's cgroup (memory, CPU weight), when the machine has one for them. */
  readonly cgroup: StudentCgroup | undefined;
}

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
}

function lookupAccount(name: string): LabAccount | undefined {
  const result = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  const fields = result.status === 0 ? result.stdout.trim().split(':') : [];
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  return fields.length >= 4 && Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : undefined;
}

/**
 * Lab processes run at a lower priority than the server: fifty `cat` floods (or TCG guests) on two cores
 * would otherwise get fifty CPU shares to the server's one, and every keystroke of every pane would wait
 * for the scheduler (300 ms stalls measured). Niceness is inherited by everything the shell starts.
 */
export const LAB_NICENESS = ['nice', '-n', '10'];

function bwrapArgs(dir: string, labsDir: string, ownDir: string | undefined): string[] {
  return [
    '--die-with-parent',
    '--unshare-pid',
    '--unshare-ipc',
    '--ro-bind',
    '/',
    '/',
    '--dev-bind',
    '/dev',
    '/dev',
    '--tmpfs',
    '/dev/shm',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
    // virsh console takes a lock file on the pty there (/var/lock links to it).
    '--tmpfs',
    '/run/lock',
    // The labs' own scripts and files, visible even when the project lives under /tmp (a CI checkout).
    '--ro-bind',
    labsDir,
    labsDir,
    // A student's provisioned files (clouds.yaml), even when the state directory is under /tmp.
    ...(ownDir === undefined ? [] : ['--ro-bind', ownDir, ownDir]),
    '--bind',
    dir,
    dir,
    '--chdir',
    dir,
    '--',
  ];
}

/** Drops from root to the lab account; setpriv, not node-pty's uid/gid (see the top of this file). */
function dropTo(account: LabAccount, pdeathsig: boolean): string[] {
  const base = [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--init-groups', '--no-new-privs'];
  // A change of uid clears the parent-death signal unshare set: set it again after the change.
  return ['setpriv', ...base, ...(pdeathsig ? ['--pdeathsig', 'SIGKILL'] : []), '--'];
}

/**
 * unshare needs root (CAP_SYS_ADMIN) for a PID namespace, so it runs before the drop; without root it
 * makes a user namespace that maps the account to itself. --mount-proc: `ps` shows the lab's processes.
 */
function unshareArgs(root: boolean): string[] {
  return ['unshare', ...(root ? [] : ['--map-current-user']), '--pid', '--fork', '--kill-child', '--mount-proc', '--'];
}

/** Run as root before the drop: join the student's cgroup, then set the account's rlimits. */
function limitArgv(limits: StudentShellLimits | undefined): string[] {
  if (!limits) return [];
  return [...joinArgv(limits.cgroup), 'prlimit', `--nproc=${limits.processes}`, `--fsize=${limits.fileBytes}`, '--'];
}

function build(
  mode: IsolationMode,
  account: LabAccount | undefined,
  userName: string,
  labsDir: string,
  warnings: string[],
  student?: { readonly limits: StudentShellLimits; readonly ownDir: string },
): Sandbox {
  const limits = student?.limits;
  const who = account ? `compte ${account.name} (uid ${account.uid})` : `compte ${userName}`;
  const descriptions: Record<IsolationMode, string> = {
    bwrap: `${who}, bwrap (espace de PID privé, système en lecture seule)`,
    pidns: `${who}, sans bwrap, espace de PID privé (unshare)`,
    none: `${who}, sans bwrap ni espace de PID privé`,
  };
  const root = process.getuid?.() === 0;
  return {
    mode,
    isolated: mode !== 'none',
    account,
    userName,
    warnings,
    description: descriptions[mode],
    command(shell, dir) {
      let argv: string[];
      if (mode === 'pidns') {
        argv = [
          ...limitArgv(limits),
          ...LAB_NICENESS,
          ...unshareArgs(root),
          ...(account ? dropTo(account, true) : []),
          ...shell,
        ];
      } else {
        const inner = [
          ...LAB_NICENESS,
          ...(mode === 'bwrap' ? ['bwrap', ...bwrapArgs(dir, labsDir, student?.ownDir), ...shell] : shell),
        ];
        argv = [...limitArgv(limits), ...(account ? dropTo(account, false) : []), ...inner];
      }
      return { file: argv[0] ?? 'bash', args: argv.slice(1) };
    },
    createSessionDir: (parent, prefix) => createSessionDir(parent, prefix, account),
    removeSessionDir: (dir) => removeSessionDir(dir, account),
    forStudent: (other, studentLimits, ownDir) =>
      build(mode, other, other.name, labsDir, [], { limits: studentLimits, ownDir }),
  };
}

/**
 * Decides how shells run, and proves it works by running one probe shell in a scratch session directory
 * (which also proves the lab account can reach the state directory). Throws a SandboxError naming the
 * problem and the fix when lab shells cannot be started safely.
 */
export function resolveSandbox(config: ResolvedConfig): Sandbox {
  const root = process.getuid?.() === 0;
  let account: LabAccount | undefined;
  if (root) {
    account = lookupAccount(config.labUser);
    if (!account) {
      throw new SandboxError(
        `Le serveur tourne en root mais le compte « ${config.labUser} » des shells de lab n’existe pas : ` +
          'lancez sudo bash labs/setup-user.sh (ou choisissez un compte avec --lab-user).',
      );
    }
    if (account.uid === 0)
      throw new SandboxError(`--lab-user ${config.labUser} : un compte non privilégié est requis.`);
    if (!findOnPath('setpriv', DEFAULT_PATH))
      throw new SandboxError('setpriv manquant (paquet util-linux) : impossible de quitter root.');
  }
  const userName = account?.name ?? userInfo().username;
  const labsState = join(config.stateDir, 'labs');
  const probe = (mode: IsolationMode): string | undefined => {
    const sandbox = build(mode, account, userName, config.labsDir, []);
    let dir: string | undefined;
    try {
      dir = sandbox.createSessionDir(labsState, '.probe');
      const { file, args } = sandbox.command(['/bin/sh', '-c', 'test -w "$PWD" && test -w /tmp'], dir);
      const result = spawnSync(file, [...args], {
        cwd: dir,
        timeout: 10_000,
        encoding: 'utf8',
        env: { PATH: DEFAULT_PATH },
      });
      if (result.status === 0) return undefined;
      return (result.stderr || result.error?.message || `code ${result.status}`).trim();
    } catch (error) {
      return (error as Error).message;
    } finally {
      // The probe ran a fixed command, nothing of a lab's: removing its directory as root is safe.
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  };

  const warnings: string[] = [];
  let bwrapProblem: string | undefined;
  if (config.sandbox !== 'none') {
    bwrapProblem = findOnPath('bwrap', DEFAULT_PATH) ? probe('bwrap') : 'bwrap introuvable (paquet bubblewrap)';
    if (bwrapProblem === undefined) return build('bwrap', account, userName, config.labsDir, warnings);
    if (config.sandbox === 'bwrap') {
      throw new SandboxError(
        `--sandbox bwrap : ${bwrapProblem}. Installez bubblewrap (npm run setup) ou lancez avec --sandbox auto.`,
      );
    }
  }
  const pidnsProblem = findOnPath('unshare', DEFAULT_PATH) ? probe('pidns') : 'unshare introuvable (paquet util-linux)';
  if (pidnsProblem === undefined) {
    if (bwrapProblem !== undefined)
      warnings.push(
        `bwrap indisponible (${bwrapProblem}) : shells lancés dans un simple espace de PID privé (unshare).`,
      );
    return build('pidns', account, userName, config.labsDir, warnings);
  }
  if (root && config.sandbox === 'auto') {
    throw new SandboxError(
      'Le serveur tourne en root et ne peut isoler les shells de lab ni avec bwrap ' +
        `(${bwrapProblem ?? 'non essayé'}) ni avec unshare (${pidnsProblem}) : un processus lancé dans un lab ` +
        'pourrait survivre à sa session et au serveur. Installez bubblewrap (npm run setup), ou lancez ' +
        'le serveur sans root, ou acceptez ce risque avec --sandbox none.',
    );
  }
  const problem = probe('none');
  if (problem !== undefined) {
    throw new SandboxError(
      `Impossible de lancer un shell de lab dans ${labsState} (${problem}). ` +
        (account ? `Le compte ${account.name} doit pouvoir traverser ce dossier (chmod o+x sur ses parents).` : ''),
    );
  }
  warnings.push(
    `Ni bwrap (${bwrapProblem ?? '--sandbox none'}) ni espace de PID privé (${pidnsProblem}) : ` +
      'un processus lancé en double fork dans un lab peut survivre à sa session.',
  );
  return build('none', account, userName, config.labsDir, warnings);
}
