/**
 * The argv a lab session spawns: the lab's shell, with `$LAB_DIR` replaced by the lab's folder, behind
 * the lab's setup script when it has one. The setup runs in the fresh working directory, in the same
 * sandbox and with the same environment as the shell, and its output shows in the pane like the shell's:
 * a failure there is visible, then reported as LAB_SETUP_FAILED by its exit code.
 */
import { join } from 'node:path';
import type { LabDefinition } from './labs.ts';

/** Exit code of the wrapper when the setup script failed (any other code is the shell's own). */
export const SETUP_FAILED_EXIT = 97;

const SETUP_WRAPPER = `"$1" || exit ${SETUP_FAILED_EXIT}; shift; exec "$@"`;

export function labShellArgv(lab: Pick<LabDefinition, 'shell' | 'setup' | 'dir'>): string[] {
  const shell = lab.shell.map((arg) => arg.replaceAll('$LAB_DIR', lab.dir));
  if (lab.setup === undefined) return shell;
  return ['/bin/sh', '-c', SETUP_WRAPPER, 'lab-setup', join(lab.dir, lab.setup), ...shell];
}
