import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  AttachMessage,
  ClientMessage,
  ErrorMessage,
  LabInfo,
  ServerMessage,
} from '../../src/protocol/messages.ts';
import {
  array,
  asOne,
  boolean,
  byKind,
  describeProblem,
  integer,
  literal,
  map,
  nullable,
  number,
  object,
  oneOf,
  optional,
  pattern,
  record,
  refine,
  string,
  text,
  union,
  where,
  withDefault,
  withMessage,
  type Checked,
  type Infer,
  type Schema,
} from '../../src/protocol/schema.ts';
import { parseStatusBody, type StatusBody } from '../../src/protocol/status.ts';
import type { ErrorCode } from '../../src/protocol/errors.ts';

/** The problem's words as a caller shows them, or 'ok'. */
function said<T>(schema: Schema<T>, value: unknown): string {
  const checked = schema.check(value);
  return checked.ok ? 'ok' : describeProblem(checked.problem);
}

function value<T>(checked: Checked<T>): T {
  if (!checked.ok) throw new Error(describeProblem(checked.problem));
  return checked.value;
}

describe('leaf schemas', () => {
  it('string and text: a string, within bounds, a missing one described like a wrong one', () => {
    expect(value(string().check(''))).toBe('');
    expect(said(string(), 3)).toBe('champ « (racine) » : texte attendu');
    expect(
      said(
        string('nom attendu', (s) => s !== ''),
        '',
      ),
    ).toBe('champ « (racine) » : nom attendu');
    expect(said(text(1, 3), 'abc')).toBe('ok');
    expect(said(text(1, 3), 'abcd')).toBe('champ « (racine) » : texte de 1 à 3 caractères attendu');
    expect(said(text(1, 3), undefined)).toBe('champ « (racine) » : texte de 1 à 3 caractères attendu');
    expectTypeOf<Infer<ReturnType<typeof text>>>().toEqualTypeOf<string>();
  });

  it('pattern: a string the expression matches', () => {
    const id = pattern(/^[a-z]+$/, 'identifiant attendu');
    expect(said(id, 'abc')).toBe('ok');
    for (const bad of ['ABC', '', 4, null]) expect(said(id, bad)).toBe('champ « (racine) » : identifiant attendu');
  });

  it('integer and number: finite numbers, integers within [min, max]', () => {
    expect(value(integer(0, 10).check(10))).toBe(10);
    for (const bad of [11, -1, 1.5, '1', Number.NaN, Infinity])
      expect(said(integer(0, 10), bad)).toBe('champ « (racine) » : entier entre 0 et 10 attendu');
    expect(said(number(), 0.5)).toBe('ok');
    expect(said(number(), Infinity)).toBe('champ « (racine) » : nombre attendu');
    expect(
      said(
        number('durée attendue', (n) => n > 0),
        0,
      ),
    ).toBe('champ « (racine) » : durée attendue');
    expectTypeOf<Infer<ReturnType<typeof integer>>>().toEqualTypeOf<number>();
  });

  it('boolean, literal and oneOf: exactly those values, typed as them', () => {
    expect(said(boolean(), false)).toBe('ok');
    expect(said(boolean(), 'true')).toBe('champ « (racine) » : booléen attendu');
    const state = literal('state');
    expect(said(state, 'state')).toBe('ok');
    expect(said(state, 'tmp')).toBe('champ « (racine) » : « state » attendu');
    const mode = oneOf('write', 'view');
    expect(said(mode, 'view')).toBe('ok');
    expect(said(mode, 'admin')).toBe('champ « (racine) » : une valeur parmi write, view attendue');
    expectTypeOf<Infer<typeof state>>().toEqualTypeOf<'state'>();
    expectTypeOf<Infer<typeof mode>>().toEqualTypeOf<'write' | 'view'>();
    expectTypeOf<Infer<ReturnType<typeof boolean>>>().toEqualTypeOf<boolean>();
  });
});

describe('containers', () => {
  const point = object({ x: integer(0, 9), label: optional(string()) });

  it('object: every field checked, unknown ones refused, optional ones left out when absent', () => {
    expect(value(point.check({ x: 1 }))).toEqual({ x: 1 });
    expect(Object.keys(value(point.check({ x: 1, label: undefined })))).toEqual(['x']);
    expect(Object.isFrozen(value(point.check({ x: 1, label: 'a' })))).toBe(true);
    expect(said(point, { x: 1, y: 2 })).toBe('champ « y » : champ inconnu');
    expect(said(point, JSON.parse('{"x":1,"__proto__":{"y":1}}'))).toBe('champ « __proto__ » : champ inconnu');
    expect(said(point, { x: 10 })).toBe('champ « x » : entier entre 0 et 9 attendu');
    expect(said(point, {})).toBe('champ « x » : entier entre 0 et 9 attendu');
    expect(said(point, [])).toBe('champ « (racine) » : objet attendu');
    expect(value(object({ x: integer(0, 9) }, { unknown: 'ignore' }).check({ x: 1, y: 2 }))).toEqual({ x: 1 });
    expectTypeOf<Infer<typeof point>>().toEqualTypeOf<{ readonly x: number; readonly label?: string }>();
  });

  it('array: every element checked, the index in the path, the length bounded', () => {
    const list = array(point, { min: 1, max: 2 });
    expect(value(list.check([{ x: 1 }]))).toEqual([{ x: 1 }]);
    expect(said(list, [{ x: 1 }, { x: 'a' }])).toBe('champ « [1].x » : entier entre 0 et 9 attendu');
    expect(said(list, [])).toBe('champ « (racine) » : liste de 1 à 2 éléments attendue');
    expect(said(array(string(), { min: 1 }), [])).toBe('champ « (racine) » : liste non vide attendue');
    expect(said(object({ points: list }), { points: [{ x: 1 }, { x: 2, z: 0 }] })).toBe(
      'champ « points[1].z » : champ inconnu',
    );
    expectTypeOf<Infer<typeof list>>().toEqualTypeOf<readonly { readonly x: number; readonly label?: string }[]>();
  });

  it('record: every key and every value checked, the key in the path', () => {
    const env = record(pattern(/^[A-Z]+$/, 'nom de variable attendu'), string());
    expect(value(env.check({ LANG: 'C' }))).toEqual({ LANG: 'C' });
    expect(said(env, { lang: 'C' })).toBe('champ « lang » : nom de variable attendu');
    expect(said(object({ set: env }), { set: { LANG: 1 } })).toBe('champ « set.LANG » : texte attendu');
    const keys = value(record(string(), integer(0, 1)).check(JSON.parse('{"__proto__":1}')));
    expect(Object.keys(keys)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(keys)).toBe(Object.prototype);
    expectTypeOf<Infer<typeof env>>().toEqualTypeOf<Readonly<Record<string, string>>>();
  });

  it('nullable, withDefault: null, and absent values replaced', () => {
    const signal = nullable(integer(0, 128));
    expect(value(signal.check(null))).toBeNull();
    expect(said(signal, undefined)).toBe('champ « (racine) » : entier entre 0 et 128 attendu');
    const cwd = object({ cwd: withDefault(literal('state'), 'state') });
    expect(value(cwd.check({}))).toEqual({ cwd: 'state' });
    expect(said(cwd, { cwd: 'tmp' })).toBe('champ « cwd » : « state » attendu');
    expectTypeOf<Infer<typeof signal>>().toEqualTypeOf<number | null>();
    expectTypeOf<Infer<typeof cwd>>().toEqualTypeOf<{ readonly cwd: 'state' }>();
  });

  it('union: the tag picks the variant, which refuses what its shape does not name', () => {
    const shape = union('type', { dot: { x: integer(0, 9) }, clear: {} });
    expect(value(shape.check({ type: 'dot', x: 3 }))).toEqual({ type: 'dot', x: 3 });
    expect(said(shape, { type: 'clear', x: 3 })).toBe('champ « x » : champ inconnu');
    expect(said(shape, { type: 'line' })).toBe('champ « type » : une valeur parmi dot, clear attendue');
    expect(said(shape, { x: 1 })).toBe('champ « type » : une valeur parmi dot, clear attendue');
    expect(said(shape, 'dot')).toBe('champ « (racine) » : objet attendu');
    expect([...shape.tags]).toEqual(['dot', 'clear']);
    expectTypeOf<Infer<typeof shape>>().toEqualTypeOf<
      { readonly type: 'dot'; readonly x: number } | { readonly type: 'clear' }
    >();
  });

  it('byKind: a field that is a string or an object', () => {
    const command = byKind('texte ou objet attendu', {
      string: map(string(), (text): { readonly text: string } => ({ text })),
      object: object({ text: string() }),
    });
    expect(value(command.check('ls'))).toEqual({ text: 'ls' });
    expect(value(command.check({ text: 'ls' }))).toEqual({ text: 'ls' });
    expect(said(command, 3)).toBe('champ « (racine) » : texte ou objet attendu');
    expect(said(command, { text: 3 })).toBe('champ « text » : texte attendu');
    expectTypeOf<Infer<typeof command>>().toEqualTypeOf<{ readonly text: string }>();
  });
});

describe('wording and rules', () => {
  it('withMessage rewords the value’s own problem only; asOne rewords any problem inside', () => {
    const env = withMessage(object({ allow: array(string()) }), 'objet { allow } attendu');
    expect(said(env, 3)).toBe('champ « (racine) » : objet { allow } attendu');
    expect(said(env, { allow: [1] })).toBe('champ « allow[0] » : texte attendu');
    const codes = asOne(array(integer(0, 255)), 'liste de codes de sortie attendue');
    expect(said(object({ ok: codes }), { ok: [0, 300] })).toBe('champ « ok » : liste de codes de sortie attendue');
  });

  it('where narrows with a type guard; refine ties fields together, naming the field', () => {
    const isShort = (s: string): s is 'a' | 'b' => s === 'a' || s === 'b';
    const short = where(string(), isShort, 'a ou b attendu');
    expect(said(short, 'c')).toBe('champ « (racine) » : a ou b attendu');
    expectTypeOf<Infer<typeof short>>().toEqualTypeOf<'a' | 'b'>();
    const range = refine(object({ from: integer(0, 9), to: integer(0, 9) }), (r) =>
      r.from <= r.to ? undefined : { path: ['to'], expected: 'au moins « from » attendu' },
    );
    expect(said(range, { from: 1, to: 2 })).toBe('ok');
    expect(said(range, { from: 3, to: 2 })).toBe('champ « to » : au moins « from » attendu');
  });

  it('map turns a checked value into another, typed', () => {
    const trimmed = map(string(), (s) => s.trim().length);
    expect(value(trimmed.check('  ab '))).toBe(2);
    expectTypeOf<Infer<typeof trimmed>>().toEqualTypeOf<number>();
  });

  it('quotes untrusted keys short and without control characters', () => {
    const message = said(object({}), { [`\u001b]0;x\u0007${'k'.repeat(100)}`]: 1 });
    expect([...message].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
    expect(message.length).toBeLessThan(80);
  });
});

describe('types derived from the protocol’s schemas', () => {
  it('keep the shapes the rest of the code was written against', () => {
    expectTypeOf<AttachMessage>().toEqualTypeOf<{
      readonly type: 'attach';
      readonly channel: number;
      readonly lab: string;
      readonly cols: number;
      readonly rows: number;
      readonly room?: string;
      readonly mode?: 'write' | 'view';
    }>();
    expectTypeOf<ErrorMessage>().toEqualTypeOf<{
      readonly type: 'error';
      readonly channel?: number;
      readonly code: ErrorCode;
      readonly message: string;
      readonly hint?: string;
    }>();
    expectTypeOf<LabInfo['commands']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<ClientMessage['type']>().toEqualTypeOf<
      'hello' | 'attach' | 'input' | 'resize' | 'ack' | 'run' | 'detach' | 'reset' | 'slide' | 'verify' | 'end-class'
    >();
    expectTypeOf<Extract<ServerMessage, { type: 'exit' }>['signal']>().toEqualTypeOf<number | null>();
  });

  it('the status body: what the server writes, the page reads back', () => {
    const body: StatusBody = {
      version: 1,
      role: 'presenter',
      labs: [{ id: 'shell', title: 'Shell', ready: true, commands: ['hello'] }],
    };
    expect(parseStatusBody(JSON.parse(JSON.stringify(body)))).toEqual(body);
    expect(parseStatusBody({ version: 1, role: null, labs: [], error: 'Non connecté' })).toMatchObject({ role: null });
    expect(parseStatusBody({ version: 1, role: 'root', labs: [] })).toBeUndefined();
    expect(parseStatusBody('offline')).toBeUndefined();
    expectTypeOf<StatusBody['role']>().toEqualTypeOf<'presenter' | 'audience' | 'student' | null>();
  });
});
