import { describe, expect, it } from 'vitest';
import {
  commandIdFor,
  LabDefinitionError,
  normalizeCommand,
  parseLabDefinition,
} from '../../src/protocol/lab-definition.ts';

const parse = (value: unknown) => parseLabDefinition(value, 'x', '/labs/x', 'labs/x/lab.json', []);

describe('lab definitions', () => {
  it('takes ready and setup scripts of the lab’s own folder', () => {
    expect(parse({ id: 'x', title: 'X', shell: ['sh'], ready: 'ready', setup: 'setup' })).toMatchObject({
      ready: 'ready',
      setup: 'setup',
    });
    expect(parse({ id: 'x', title: 'X', shell: ['sh'] })).toMatchObject({ ready: undefined, setup: undefined });
    for (const bad of ['../escape', '/bin/sh', '', 'a b']) {
      expect(() => parse({ id: 'x', title: 'X', shell: ['sh'], setup: bad }), bad).toThrow(/champ « setup »/);
    }
    expect(() => parse({ id: 'x', title: 'X', shell: ['sh'], ready: 3 })).toThrow(LabDefinitionError);
  });

  it('takes a provision script (a hands-on class’s per-student part) of the lab’s own folder', () => {
    expect(parse({ id: 'x', title: 'X', shell: ['sh'], provision: 'student' })).toMatchObject({ provision: 'student' });
    expect(parse({ id: 'x', title: 'X', shell: ['sh'] })).toMatchObject({ provision: undefined });
    expect(() => parse({ id: 'x', title: 'X', shell: ['sh'], provision: '../up' })).toThrow(/champ « provision »/);
  });

  it('gives one id per command text', () => {
    expect(() => parse({ id: 'x', title: 'X', shell: ['sh'], commands: { a: 'ls  -l', b: 'ls -l' } })).toThrow(
      /commands\.b.*même texte que « a »/,
    );
  });

  it('finds a command by the text a slide shows, blanks aside', () => {
    const lab = parse({
      id: 'x',
      title: 'X',
      shell: ['sh'],
      commands: { list: 'virsh list --all', info: 'qemu-img info a.qcow2' },
    });
    expect(commandIdFor(lab, '  virsh   list --all ')).toBe('list');
    expect(commandIdFor(lab, 'virsh list')).toBeUndefined();
    expect(normalizeCommand(' a \t b\n c ')).toBe('a b c');
  });

  it('validates the checks labs:check and record use, naming the field', () => {
    const lab = { id: 'x', title: 'X', shell: ['sh'], commands: { boot: 'qemu', ls: 'ls' } };
    const console = { expect: 'Connected', keys: '\r', then: '# $', exit: '\u001d', timeoutMs: 60000 };
    expect(parse({ ...lab, checks: { boot: console, ls: { ok: [0, 2] } } }).checks).toEqual({
      boot: console,
      ls: { ok: [0, 2] },
    });
    const refused: [unknown, RegExp][] = [
      [{ nope: {} }, /checks\.nope.*pas une commande/],
      [{ ls: { expect: '(' } }, /checks\.ls\.expect.*invalide/],
      [{ ls: { then: 'x', keys: 'y' } }, /checks\.ls.*keys et then vont ensemble/],
      [{ ls: { keys: '\r', exit: 'q' } }, /keys et then vont ensemble/],
      [{ ls: { ok: [300] } }, /checks\.ls\.ok/],
      [{ ls: { timeoutMs: 0 } }, /checks\.ls\.timeoutMs/],
      [{ ls: { exits: 'q' } }, /checks\.ls\.exits.*champ inconnu/],
    ];
    for (const [checks, message] of refused)
      expect(() => parse({ ...lab, checks }), JSON.stringify(checks)).toThrow(message);
  });
});
