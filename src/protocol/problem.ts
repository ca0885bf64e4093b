/**
 * What a schema (schema.ts) says about a value it refuses, and how that reads in a message: the faulty
 * field's path and what was expected there.
 */

/** Field names and list indices from the checked value down to the faulty one. */
export type Path = readonly (string | number)[];

export interface Problem {
  readonly path: Path;
  /** What was expected there, in French, without capital or final stop: « entier entre 0 et 255 attendu ». */
  readonly expected: string;
}

/** Untrusted text quoted in a message: short, and without control characters. */
export function printable(value: string): string {
  let cleaned = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    cleaned += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? '?' : char;
  }
  return cleaned.length > 40 ? `${cleaned.slice(0, 40)}…` : cleaned;
}

/** `env.allow[1]`, `commands.boot.holds`; the value itself is « (racine) ». */
export function pathText(path: Path): string {
  if (path.length === 0) return '(racine)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${printable(key)}`))
    .join('');
}

/** « champ « env.allow[1] » : nom de variable attendu » */
export function describeProblem(found: Problem): string {
  return `champ « ${pathText(found.path)} » : ${found.expected}`;
}
