/**
 * Small typed validators: the one way this project checks what it reads (WebSocket frames, lab.json,
 * slides/deck.json, the server's flags). A schema turns an untrusted value into a typed, frozen one, or into
 * a Problem: the path of the faulty field and what was expected there, in French. Types are derived from
 * schemas (`type LabInfo = Infer<typeof labInfo>`), so a declaration and its check cannot drift apart.
 *
 * Problems are values, never exceptions: each caller words them for its reader (an `error` message, a
 * LabDefinitionError naming the file, a ConfigError naming the flag). Paths are built on the way back up,
 * so a value that passes allocates no path at all (frames are checked on every keystroke).
 */
import type { Path, Problem } from './problem.ts';

export { describeProblem, pathText, printable, type Path, type Problem } from './problem.ts';

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Problem };

export interface Schema<T> {
  /** A problem's path is relative to `value`. */
  readonly check: (value: unknown) => Checked<T>;
}

/** A field that may be absent: absent (or undefined), it is left out of the result too. */
export interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly optional: true;
}

export type Infer<S> = S extends OptionalSchema<infer T> ? T : S extends Schema<infer T> ? T : never;

export type Shape = { readonly [field: string]: Schema<unknown> };

/** One object type instead of an intersection (modifiers and doc comments are kept). */
type Flat<T> = { readonly [K in keyof T]: T[K] };

export type InferShape<S extends Shape> = Flat<
  { readonly [K in keyof S as S[K] extends OptionalSchema<unknown> ? never : K]: Infer<S[K]> } & {
    readonly [K in keyof S as S[K] extends OptionalSchema<unknown> ? K : never]?: Infer<S[K]>;
  }
>;

export interface ObjectSchema<S extends Shape> extends Schema<InferShape<S>> {
  readonly shape: S;
}

function ok<T>(value: T): Checked<T> {
  return { ok: true, value };
}

function problem(expected: string, path: Path = []): { readonly ok: false; readonly problem: Problem } {
  return { ok: false, problem: { path, expected } };
}

/** A child's failure, seen from its parent. */
function under(
  key: string | number,
  failure: { readonly problem: Problem },
): { readonly ok: false; readonly problem: Problem } {
  return problem(failure.problem.expected, [key, ...failure.problem.path]);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A check for values of one JSON type, with `test` for the rest (range, pattern). A missing value gets the
 * same words as a wrong one: a problem always says what to write there.
 */
function leaf<T>(
  is: (value: unknown) => value is T,
  expected: string,
  test: (value: T) => boolean = () => true,
): Schema<T> {
  return { check: (value) => (is(value) && test(value) ? ok(value) : problem(expected)) };
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';

/** A string, that passes `test` when given. */
export function string(expected = 'texte attendu', test?: (value: string) => boolean): Schema<string> {
  return leaf(isString, expected, test);
}

/** A string of minLength to maxLength UTF-16 code units. */
export function text(minLength: number, maxLength: number): Schema<string> {
  return leaf(
    isString,
    `texte de ${minLength} à ${maxLength} caractères attendu`,
    (v) => v.length >= minLength && v.length <= maxLength,
  );
}

export function pattern(regexp: RegExp, expected: string): Schema<string> {
  return leaf(isString, expected, (v) => regexp.test(v));
}

/** A finite number, that passes `test` when given. */
export function number(expected = 'nombre attendu', test?: (value: number) => boolean): Schema<number> {
  return leaf(isNumber, expected, test);
}

export function integer(min: number, max: number, expected = `entier entre ${min} et ${max} attendu`): Schema<number> {
  return leaf(isNumber, expected, (v) => Number.isInteger(v) && v >= min && v <= max);
}

export function boolean(): Schema<boolean> {
  return leaf(isBoolean, 'booléen attendu');
}

export function literal<const T extends string | number | boolean>(expected: T): Schema<T> {
  return leaf((value): value is T => value === expected, `« ${String(expected)} » attendu`);
}

export function oneOf<const T extends readonly string[]>(...values: T): Schema<T[number]> {
  return leaf(
    (value): value is T[number] => typeof value === 'string' && values.includes(value),
    `une valeur parmi ${values.join(', ')} attendue`,
  );
}

export function optional<T>(schema: Schema<T>): OptionalSchema<T> {
  return { optional: true, check: (value) => (value === undefined ? ok(undefined) : schema.check(value)) };
}

export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return { check: (value) => (value === null ? ok(null) : schema.check(value)) };
}

/** Absent (or null, as JSON writes "nothing"): `fallback`. The field is then always in the result. */
export function withDefault<T>(schema: Schema<T>, fallback: T): Schema<T> {
  return { check: (value) => (value === undefined || value === null ? ok(fallback) : schema.check(value)) };
}

/** Says `expected` for any problem of the value itself (its fields' problems keep their own words). */
export function withMessage<T>(schema: Schema<T>, expected: string): Schema<T> {
  return {
    check: (value) => {
      const result = schema.check(value);
      return result.ok || result.problem.path.length > 0 ? result : problem(expected);
    },
  };
}

/** Says `expected`, at the value's own path, for any problem in it: a list judged as a whole. */
export function asOne<T>(schema: Schema<T>, expected: string): Schema<T> {
  return {
    check: (value) => {
      const result = schema.check(value);
      return result.ok ? result : problem(expected);
    },
  };
}

/** A further condition on a checked value; with a type guard, the value's type narrows. */
export function where<T, N extends T>(schema: Schema<T>, test: (value: T) => value is N, expected: string): Schema<N>;
export function where<T>(schema: Schema<T>, test: (value: T) => boolean, expected: string): Schema<T>;
export function where<T>(schema: Schema<T>, test: (value: T) => boolean, expected: string): Schema<T> {
  return {
    check: (value) => {
      const result = schema.check(value);
      return !result.ok || test(result.value) ? result : problem(expected);
    },
  };
}

/** A rule tying fields together: `rule` returns the problem (its path relative to the value), if any. */
export function refine<T>(schema: Schema<T>, rule: (value: T) => Problem | undefined): Schema<T> {
  return {
    check: (value) => {
      const result = schema.check(value);
      if (!result.ok) return result;
      const found = rule(result.value);
      return found === undefined ? result : { ok: false, problem: found };
    },
  };
}

/** Turns a checked value into another (trimmed text, a number from a flag's text). */
export function map<T, U>(schema: Schema<T>, convert: (value: T) => U): Schema<U> {
  return {
    check: (value) => {
      const result = schema.check(value);
      return result.ok ? ok(convert(result.value)) : result;
    },
  };
}

export function array<T>(
  item: Schema<T>,
  length: { readonly min?: number; readonly max?: number } = {},
): Schema<readonly T[]> {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = length;
  const expected =
    max < Number.MAX_SAFE_INTEGER
      ? `liste de ${min} à ${max} éléments attendue`
      : min === 1
        ? 'liste non vide attendue'
        : min > 1
          ? `liste d’au moins ${min} éléments attendue`
          : 'liste attendue';
  return {
    check: (value) => {
      if (!Array.isArray(value) || value.length < min || value.length > max) return problem(expected);
      const items: T[] = [];
      for (const [index, element] of value.entries()) {
        const result = item.check(element);
        if (!result.ok) return under(index, result);
        items.push(result.value);
      }
      return ok(Object.freeze(items));
    },
  };
}

/**
 * Every field of `shape` checked, in order; a field the shape does not name is refused, or with
 * `unknown: 'ignore'` left out of the result (the caller may warn about it: `schema.shape` says what is known).
 */
export function object<S extends Shape>(
  shape: S,
  options: { readonly unknown?: 'refuse' | 'ignore' } = {},
): ObjectSchema<S> {
  const fields = Object.entries(shape);
  const refuseUnknown = options.unknown !== 'ignore';
  return {
    shape,
    check: (value) => {
      if (!isRecord(value)) return problem('objet attendu');
      if (refuseUnknown) {
        for (const key of Object.keys(value)) if (!Object.hasOwn(shape, key)) return problem('champ inconnu', [key]);
      }
      const result: Record<string, unknown> = {};
      for (const [name, field] of fields) {
        const raw = Object.hasOwn(value, name) ? value[name] : undefined;
        if (raw === undefined && 'optional' in field) continue;
        const checked = field.check(raw);
        if (!checked.ok) return under(name, checked);
        result[name] = checked.value;
      }
      // Every field of the shape was checked just above, optional ones left out when absent: this is
      // exactly InferShape<S>, which TypeScript cannot follow through the loop.
      return ok(Object.freeze(result) as InferShape<S>);
    },
  };
}

/** An object used as a map: every key checked by `key`, every value by `value`. */
export function record<V>(key: Schema<string>, value: Schema<V>): Schema<Readonly<Record<string, V>>> {
  return {
    check: (input) => {
      if (!isRecord(input)) return problem('objet attendu');
      const entries: [string, V][] = [];
      for (const [name, raw] of Object.entries(input)) {
        const checkedKey = key.check(name);
        if (!checkedKey.ok) return under(name, checkedKey);
        const checked = value.check(raw);
        if (!checked.ok) return under(name, checked);
        entries.push([checkedKey.value, checked.value]);
      }
      // fromEntries defines own properties: a "__proto__" key stays a key.
      return ok(Object.freeze(Object.fromEntries(entries)));
    },
  };
}

export type JsonKind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

function kindOf(value: unknown): JsonKind | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const kind = typeof value;
  return kind === 'string' || kind === 'number' || kind === 'boolean' || kind === 'object' ? kind : undefined;
}

/** A field that takes one of several JSON types (a command's text, or an object with it). */
export function byKind<T>(expected: string, cases: Partial<Record<JsonKind, Schema<T>>>): Schema<T> {
  return {
    check: (value) => {
      const kind = kindOf(value);
      const schema = kind === undefined ? undefined : cases[kind];
      return schema ? schema.check(value) : problem(expected);
    },
  };
}

type Variant<K extends string, T, S extends Shape> = Flat<{ readonly [P in K]: T } & InferShape<S>>;
export type InferUnion<K extends string, V extends Readonly<Record<string, Shape>>> = {
  [T in keyof V & string]: Variant<K, T, V[T]>;
}[keyof V & string];

export interface UnionSchema<K extends string, V extends Readonly<Record<string, Shape>>> extends Schema<
  InferUnion<K, V>
> {
  readonly tag: K;
  /** The tag's values, so that a caller can tell an unknown kind from a malformed one. */
  readonly tags: ReadonlySet<string>;
}

/**
 * A union on a tag field (`type` on the wire): `variants` maps each tag value to the shape of the rest.
 * Each variant is an object with the tag first, and refuses fields its shape does not name.
 */
export function union<K extends string, V extends Readonly<Record<string, Shape>>>(
  tag: K,
  variants: V,
): UnionSchema<K, V> {
  const schemas = new Map<string, Schema<unknown>>();
  for (const [name, shape] of Object.entries(variants)) schemas.set(name, object({ [tag]: literal(name), ...shape }));
  const expected = `une valeur parmi ${[...schemas.keys()].join(', ')} attendue`;
  return {
    tag,
    tags: new Set(schemas.keys()),
    check: (value) => {
      if (!isRecord(value)) return problem('objet attendu');
      const name = Object.hasOwn(value, tag) ? value[tag] : undefined;
      const schema = typeof name === 'string' ? schemas.get(name) : undefined;
      if (!schema) return problem(expected, [tag]);
      // The variant's object schema checked the tag and every field of its shape: the value is that
      // variant, which a Map of schemas cannot express.
      return schema.check(value) as Checked<InferUnion<K, V>>;
    },
  };
}
