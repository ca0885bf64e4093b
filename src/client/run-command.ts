/**
 * Click-to-run: each `*$` command line of a demo slide's code (remark renders it as a highlighted line
 * starting with `$ `) gets a run control. A click, or Enter on the focused control, runs that command in
 * the slide's lab by its id; the text on the slide is never what is sent. Continuation lines (ending in
 * `\`) belong to the command above them and get no control of their own.
 */
import type { RunnableCommand } from '../protocol/lab-command.ts';
import { normalizeCommand } from '../protocol/lab-definition.ts';

const CONTROL_CLASS = 'run-command';

/** Removes the controls (a viewer page, a replay without server). */
export function clearRunControls(content: HTMLElement): void {
  for (const control of content.querySelectorAll(`.${CONTROL_CLASS}`)) control.remove();
}

/**
 * Adds a control before each command line of `content` that matches the next of `commands` (in order).
 * Idempotent: lines that have one keep it.
 */
export function addRunControls(
  content: HTMLElement,
  commands: readonly RunnableCommand[],
  run: (command: RunnableCommand) => void,
): void {
  const lines = content.querySelectorAll<HTMLElement>('.remark-code-line-highlighted');
  let next = 0;
  for (const line of lines) {
    const shown = (line.textContent ?? '').trimStart();
    if (!shown.startsWith('$ ')) continue;
    const start = normalizeCommand(shown.slice(2).replace(/\\\s*$/, ''));
    const at = commands.findIndex((c, i) => i >= next && normalizeCommand(c.text).startsWith(start));
    if (at < 0) continue;
    next = at + 1;
    const command = commands[at];
    if (!command || line.querySelector(`.${CONTROL_CLASS}`)) continue;
    line.classList.add('runnable');
    line.prepend(control(command, run));
  }
}

function control(command: RunnableCommand, run: (command: RunnableCommand) => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = CONTROL_CLASS;
  // The triangle comes from CSS (::before): copying the command from the slide must not copy it.
  button.title = `Exécuter dans le terminal : ${command.text}`;
  button.setAttribute('aria-label', button.title);
  button.dataset['commandId'] = command.id;
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    run(command);
  });
  // Enter and space belong to the button here, not to remark's slide navigation.
  button.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') event.stopPropagation();
  });
  return button;
}
