/** Terminal text without its escape sequences: for matching output and for plain-text reports. */
const ESC = '\u001b';
const BEL = '\u0007';
const SEQUENCES = new RegExp(
  [
    `${ESC}\\[[0-9;?<=>]*[ -/]*[@-~]`,
    `${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)`,
    `${ESC}[()][0-9A-Za-z]`,
    `${ESC}[=>78cDEHM]`,
  ].join('|'),
  'g',
);

export function stripAnsi(text: string): string {
  return text.replace(SEQUENCES, '').replace(/\r/g, '');
}

/**
 * The semantic prompt mark a lab's prompt prints before each prompt (FinalTerm / OSC 133 "D": the command
 * finished, with its exit status). Terminals that do not know it ignore it; tools use it to know when a
 * command typed into the shell is done without typing anything else.
 */
export const COMMAND_DONE = new RegExp(`${ESC}\\]133;D;(\\d+)${BEL}`);

/**
 * The start of a command line: a lab's prompt (étudiant@qemu:~$) or a guest's (root@tiny:/#). A command
 * longer than the terminal is wrapped by the shell's line editor, not by its output: checks of the demos'
 * output (labs:check, the e2e fit test) leave such lines out.
 */
export const PROMPT_LINE = /^[^\s@]+@[^\s:]+:\S*[#$] /;
