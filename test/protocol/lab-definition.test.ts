import { describe, expect, it } from 'vitest';
import { commandIdFor, LabDefinitionError, normalizeCommand, parseLabDefinition } from '../../src/protocol/lab-definition.ts';

const parse = (value: unknown) => parseLabDefinition(value, 'x', '/labs/x', 'labs/x/lab.json', []);

describe('lab definitions', () => {
  it('takes ready and setup scripts of the lab’s own folder', () => {
    expect(parse({ id: 'x', title: 'X', shell: ['sh'], ready: 'ready', setup: 'setup' })).toMatchObject({ ready: 'ready', setup: 'setup' });
    expect(parse({ id: 'x', title: 'X', shell: ['sh'] })).toMatchObject({ ready: undefined, setup: undefined });
    for (const bad of ['../escape', '/bin/sh', '', 'a b']) {
      expect(() => parse({ id: 'x', title: 'X', shell: ['sh'], setup: bad }), bad).toThrow(/champ « setup »/);
    }
    expect(() => parse({ id: 'x', title: 'X', shell: ['sh'], ready: 3 })).toThrow(LabDefinitionError);
  });

  it('gives one id per command text', () => {
    expect(() => parse({ id: 'x', title: 'X', shell: ['sh'], commands: { a: 'ls  -l', b: 'ls -l' } })).toThrow(/commands\.b.*même texte que « a »/);
  });

  it('finds a command by the text a slide shows, blanks aside', () => {
    const lab = parse({ id: 'x', title: 'X', shell: ['sh'], commands: { list: 'virsh list --all', info: 'qemu-img info a.qcow2' } });
    expect(commandIdFor(lab, '  virsh   list --all ')).toBe('list');
    expect(commandIdFor(lab, 'virsh list')).toBeUndefined();
    expect(normalizeCommand(' a \t b\n c ')).toBe('a b c');
  });
});
