import { describe, expect, it } from 'vitest';
import { parseLabDefinition } from '../../src/protocol/lab-definition.ts';

const parse = (commands: unknown) =>
  parseLabDefinition({ id: 'x', title: 'X', shell: ['sh'], commands }, 'x', '/labs/x', 'labs/x/lab.json', []);
const holds = { what: 'la VM tourne dans ce terminal', leave: 'Ctrl-A X pour quitter qemu', guest: true };

describe('lab commands', () => {
  it('take a text, or an object with the text, its target and what holds the terminal', () => {
    const lab = parse({
      ls: 'ls -l',
      boot: { text: 'qemu -nographic', holds },
      uname: { text: 'uname -a', target: 'guest' },
    });
    expect(lab.commands).toEqual({ ls: 'ls -l', boot: 'qemu -nographic', uname: 'uname -a' });
    expect(lab.commandInfo).toEqual({
      ls: { target: 'host' },
      boot: { target: 'host', holds },
      uname: { target: 'guest' },
    });
    expect(parse({ top: { text: 'top', holds: { what: 'top', leave: 'q' } } }).commandInfo['top']?.holds?.guest).toBe(
      false,
    );
  });

  it('name the faulty field', () => {
    const refused: [unknown, RegExp][] = [
      [{ a: 3 }, /commands\.a.*texte ou objet/],
      [{ a: '' }, /« commands\.a ».*texte non vide/],
      [{ a: { text: 'x\u001b' } }, /commands\.a\.text.*sans NUL ni Échap/],
      [{ a: { text: 'x', target: 'vm' } }, /commands\.a\.target/],
      [{ a: { text: 'x', run: 'y' } }, /commands\.a\.run.*champ inconnu/],
      [{ a: { text: 'x', holds: 'vm' } }, /commands\.a\.holds.*objet/],
      [{ a: { text: 'x', holds: { what: 'vm' } } }, /commands\.a\.holds\.leave/],
      [{ a: { text: 'x', holds: { ...holds, guest: 'yes' } } }, /commands\.a\.holds\.guest.*booléen/],
      [{ a: { text: 'x', holds: { ...holds, exit: 'q' } } }, /commands\.a\.holds\.exit.*champ inconnu/],
      [{ a: { text: 'x', target: 'guest', holds } }, /commands\.a\.target.*hôte/],
      [{ a: 'ls', b: { text: 'ls' } }, /commands\.b.*même texte que « a »/],
    ];
    for (const [commands, message] of refused) expect(() => parse(commands), JSON.stringify(commands)).toThrow(message);
  });
});
