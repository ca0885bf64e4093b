/**
 * One command of a lab.json: either its text (`"boot": "qemu-system-x86_64 …"`), or an object that also
 * says where it is typed and what holds the terminal while it runs:
 *
 *   "boot":   { "text": "qemu-system-x86_64 … -nographic …",
 *               "holds": { "what": "la VM tourne dans ce terminal", "leave": "Ctrl-A X pour quitter qemu", "guest": true } }
 *   "uname":  { "text": "uname -a", "target": "guest" }
 *
 * The server uses it to refuse a ▶ that would type into the wrong program (see the `run-refused` message).
 */

import {
  boolean,
  byKind,
  map,
  object,
  oneOf,
  optional,
  refine,
  string,
  withDefault,
  withMessage,
  type Infer,
  type Schema,
} from './schema.ts';

export const MAX_COMMAND_CHARS = 4096;
const MAX_HOLD_CHARS = 200;

/**
 * A demo command as a slide shows it, with the id its lab gives it: ▶ sends the id, never the text. The
 * deck finds these (lab-commands.ts), the built slides carry them (deck-update.ts), the page shows them.
 */
export interface RunnableCommand {
  readonly id: string;
  /** The command as the slide shows it (continuations joined). */
  readonly text: string;
}

const holdText = map(
  string(
    `texte non vide de moins de ${MAX_HOLD_CHARS} caractères attendu`,
    (value) => value.trim() !== '' && value.length <= MAX_HOLD_CHARS,
  ),
  (value) => value.trim(),
);

/** What a command that does not return at once (a VM on its console, `virsh console`) does to the terminal. */
const commandHold = object({
  /** What holds the terminal, in French, as the pane says it ("la VM tourne dans ce terminal"). */
  what: holdText,
  /** How to give the terminal back to the shell ("Ctrl-A X pour quitter qemu"). */
  leave: holdText,
  /** The guest's console is in the terminal meanwhile: commands with target "guest" go there. */
  guest: withDefault(boolean(), false),
});
export type CommandHold = Infer<typeof commandHold>;

/** Typed at the lab's shell prompt (host), or into the guest's console while a `holds.guest` command runs. */
const commandTarget = withMessage(oneOf('host', 'guest'), '« host » ou « guest » attendu');
export type CommandTarget = Infer<typeof commandTarget>;

const commandText = string(
  `texte non vide de moins de ${MAX_COMMAND_CHARS} caractères, sans NUL ni Échap, attendu`,
  (text) => text.trim() !== '' && text.length <= MAX_COMMAND_CHARS && !text.includes('\0') && !text.includes('\x1b'),
);

const commandObject = refine(
  object({
    text: commandText,
    target: withDefault(commandTarget, 'host'),
    holds: optional(withMessage(commandHold, 'objet { what, leave, guest } attendu')),
  }),
  (command) =>
    command.target === 'guest' && command.holds !== undefined
      ? { path: ['target'], expected: 'une commande qui tient le terminal se tape sur l’hôte' }
      : undefined,
);
type CommandSpec = Infer<typeof commandObject>;

/** `commands.<id>` of a lab.json: its text, or { text, target?, holds? }. */
export const labCommand: Schema<CommandSpec> = byKind('texte ou objet { text, target, holds } attendu', {
  string: map(commandText, (text): CommandSpec => ({ text, target: 'host' })),
  object: commandObject,
});

/** Where a command is typed and what holds the terminal while it runs. */
export type CommandInfo = Omit<CommandSpec, 'text'>;

/** A lab command's info, frozen, without its text (which the definition keeps apart). */
export function commandInfo({ target, holds }: CommandSpec): CommandInfo {
  return Object.freeze(holds === undefined ? { target } : { target, holds });
}
