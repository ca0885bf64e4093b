/**
 * The environment of a lab shell, built from scratch: a few fixed variables, the server's values of the
 * names the lab allows, then the lab's own. Nothing else of the server's environment (tokens, cloud
 * credentials, SSH agents, the developer's PATH) reaches the shell.
 */
import type { LabDefinition } from './labs.ts';

/** Debian's default PATH for users: no per-user tool directories of whoever started the server. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ShellIdentity {
  readonly user: string;
  /** The session's working directory doubles as HOME: fresh per session, removed with it. */
  readonly home: string;
}

export function buildLabEnv(
  lab: LabDefinition,
  identity: ShellIdentity,
  serverEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: DEFAULT_PATH,
    HOME: identity.home,
    USER: identity.user,
    LOGNAME: identity.user,
    SHELL: '/bin/bash',
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
    LANG: 'C.UTF-8',
    LAB_ID: lab.id,
    LAB_DIR: lab.dir,
    LAB_STATE: identity.home,
  };
  for (const name of lab.env.allow) {
    const value = serverEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return Object.assign(env, lab.env.set);
}

/** The PATH a lab's shell will get, for readiness checks before anything is spawned. */
export function labPath(lab: LabDefinition, serverEnv: Readonly<Record<string, string | undefined>>): string {
  return buildLabEnv(lab, { user: '', home: '' }, serverEnv)['PATH'] ?? DEFAULT_PATH;
}
