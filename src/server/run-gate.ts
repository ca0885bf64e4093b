/**
 * Should a ▶ be typed now? Pure: from the lab's commands, what holds the terminal (prompt-tracker.ts) and
 * the terminal's foreground program, the refusal the page is sent instead, or undefined to type it. A
 * command is not typed into a program that holds the terminal (it would go to qemu's guest, or be eaten
 * by a running command), and a command for the guest is not typed at the host's prompt.
 */
import { basename } from 'node:path';
import type { LabDefinition } from '../protocol/lab-definition.ts';
import type { RunRefusal } from '../protocol/messages.ts';
import type { PromptState } from './prompt-tracker.ts';

export interface Refusal {
  readonly reason: RunRefusal;
  readonly program?: string;
  readonly message: string;
}

type LabCommands = Pick<LabDefinition, 'shell' | 'commands' | 'commandInfo'>;

/** A command's text as a message quotes it: its first line, shortened. */
const MAX_QUOTED = 60;

export function runRefusal(
  lab: LabCommands,
  commandId: string,
  state: PromptState,
  foreground: string | undefined,
): Refusal | undefined {
  const target = lab.commandInfo[commandId]?.target ?? 'host';
  if (state.atPrompt) return target === 'guest' ? noGuest(lab) : undefined;
  const running = state.commandId;
  const program = programName(lab, running, foreground);
  const holder = running !== undefined && lab.commandInfo[running]?.holds ? running : heldBy(lab, program);
  const holds = holder === undefined ? undefined : lab.commandInfo[holder]?.holds;
  if (holds?.guest && target === 'guest') return undefined;
  const message = holds
    ? `${holds.what} : ${holds.leave}`
    : `une commande tourne encore${program ? ` (${program})` : ''} : attendez sa fin ou Ctrl-C`;
  return program ? { reason: 'busy', program, message } : { reason: 'busy', message };
}

function noGuest(lab: LabCommands): Refusal {
  const starter = Object.keys(lab.commands).find((id) => lab.commandInfo[id]?.holds?.guest);
  const text = starter === undefined ? undefined : quote(lab.commands[starter] ?? starter);
  return {
    reason: 'no-guest',
    message: `la VM ne tourne pas dans ce terminal${text ? ` : le ▶ de « ${text} » la démarre` : ''}`,
  };
}

/** The sandbox's own programs (sandbox.ts), never what a person ran. */
const SANDBOX_WRAPPERS: ReadonlySet<string> = new Set(['bwrap', 'setpriv', 'unshare', 'nice']);

/**
 * The program that holds the terminal, as a person knows it: the foreground program node-pty names,
 * unless that is still the shell (a command just typed has not started yet), then the command's first word.
 */
function programName(
  lab: LabCommands,
  running: string | undefined,
  foreground: string | undefined,
): string | undefined {
  const shell = basename(lab.shell[0] ?? '');
  const named = foreground ? basename(foreground) : undefined;
  // The sandbox's wrappers can be named for an instant while a command starts: they count as the shell.
  const fg = named !== undefined && SANDBOX_WRAPPERS.has(named) ? shell : named;
  if (fg && fg !== shell) return fg;
  const text = running === undefined ? undefined : lab.commands[running];
  // Still the shell and a command typed by hand: its name is not known yet.
  return text?.trim().split(/\s+/)[0] ?? (fg === shell ? undefined : fg);
}

/** A command typed by hand: the lab command that holds the terminal with the same program, if any. */
function heldBy(lab: LabCommands, program: string | undefined): string | undefined {
  if (program === undefined) return undefined;
  return Object.keys(lab.commands).find(
    (id) => lab.commandInfo[id]?.holds && basename(lab.commands[id]?.trim().split(/\s+/)[0] ?? '') === program,
  );
}

function quote(text: string): string {
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > MAX_QUOTED || text.includes('\n') ? `${line.slice(0, MAX_QUOTED - 1).trimEnd()}…` : line;
}
