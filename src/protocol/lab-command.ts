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

/** Typed at the lab's shell prompt (host), or into the guest's console while a `holds.guest` command runs. */
export type CommandTarget = 'host' | 'guest';

/** What a command that does not return at once (a VM on its console, `virsh console`) does to the terminal. */
export interface CommandHold {
  /** What holds the terminal, in French, as the pane says it ("la VM tourne dans ce terminal"). */
  readonly what: string;
  /** How to give the terminal back to the shell ("Ctrl-A X pour quitter qemu"). */
  readonly leave: string;
  /** The guest's console is in the terminal meanwhile: commands with target "guest" go there. */
  readonly guest: boolean;
}

export interface CommandInfo {
  readonly target: CommandTarget;
  readonly holds?: CommandHold;
}

export interface ParsedCommand {
  readonly text: string;
  readonly info: CommandInfo;
}

export const MAX_COMMAND_CHARS = 4096;
const MAX_HOLD_CHARS = 200;
const COMMAND_FIELDS = ['text', 'target', 'holds'];
const HOLD_FIELDS = ['what', 'leave', 'guest'];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isShortText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '' && value.length <= MAX_HOLD_CHARS;

/** Validates `commands.<id>` of a lab.json (a string, or { text, target?, holds? }); `fail` names the field. */
export function parseLabCommand(value: unknown, field: string, fail: (field: string, problem: string) => never): ParsedCommand {
  const spec: Json = typeof value === 'string' ? { text: value } : isObject(value) ? value : fail(field, 'texte ou objet { text, target, holds } attendu');
  for (const key of Object.keys(spec)) if (!COMMAND_FIELDS.includes(key)) fail(`${field}.${key}`, 'champ inconnu');
  const text = spec['text'];
  if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_COMMAND_CHARS || text.includes('\0') || text.includes('\x1b')) {
    const at = typeof value === 'string' ? field : `${field}.text`;
    return fail(at, `texte non vide de moins de ${MAX_COMMAND_CHARS} caractères, sans NUL ni Échap, attendu`);
  }
  const target = spec['target'] ?? 'host';
  if (target !== 'host' && target !== 'guest') return fail(`${field}.target`, '« host » ou « guest » attendu');
  const holds = spec['holds'];
  if (holds === undefined) return { text, info: Object.freeze({ target }) };
  if (!isObject(holds)) return fail(`${field}.holds`, 'objet { what, leave, guest } attendu');
  for (const key of Object.keys(holds)) if (!HOLD_FIELDS.includes(key)) fail(`${field}.holds.${key}`, 'champ inconnu');
  const { what, leave, guest = false } = holds;
  if (!isShortText(what)) return fail(`${field}.holds.what`, `texte non vide de moins de ${MAX_HOLD_CHARS} caractères attendu`);
  if (!isShortText(leave)) return fail(`${field}.holds.leave`, `texte non vide de moins de ${MAX_HOLD_CHARS} caractères attendu`);
  if (typeof guest !== 'boolean') return fail(`${field}.holds.guest`, 'booléen attendu');
  if (target === 'guest') fail(`${field}.target`, 'une commande qui tient le terminal se tape sur l’hôte');
  return { text, info: Object.freeze({ target, holds: Object.freeze({ what: what.trim(), leave: leave.trim(), guest }) }) };
}
