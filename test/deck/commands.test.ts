import { describe, expect, it } from 'vitest';
import { slideCommands } from '../../src/deck/commands.ts';
import { parseDeck } from '../../src/deck/parse.ts';

const slideOf = (text: string) => {
  const [slide] = parseDeck([{ file: 'a.md', text }]).slides;
  if (!slide) throw new Error('no slide');
  return slide;
};

describe('slideCommands', () => {
  it('finds *$ lines in code blocks only, with their file line', () => {
    const slide = slideOf(
      [
        '## Démo',
        '*$ pas une commande',
        '```shell',
        '*$ qemu-img create -f qcow2 /tmp/img.qcow2 6G',
        'Formatting ...',
        '$ ls',
        '*$ ls -lha',
        '```',
      ].join('\n'),
    );
    expect(slideCommands(slide)).toEqual([
      { line: 4, index: 0, text: 'qemu-img create -f qcow2 /tmp/img.qcow2 6G' },
      { line: 7, index: 1, text: 'ls -lha' },
    ]);
  });

  it('joins backslash continuations, with or without the * marker', () => {
    const slide = slideOf(
      [
        '```shell',
        '*$ nova boot --flavor 2 \\',
        '* --block-device source=image,id=x \\',
        '* vm1',
        '*$ nova boot --image a \\',
        '  --hint h=1 b',
        '```',
      ].join('\n'),
    );
    expect(slideCommands(slide).map((c) => c.text)).toEqual([
      'nova boot --flavor 2 --block-device source=image,id=x vm1',
      'nova boot --image a --hint h=1 b',
    ]);
  });

  it('ignores other prompts, which are not commands for the lab', () => {
    expect(slideCommands(slideOf('```shell\n*mat@enssat$ ssh cirros@172.24.4.1\n*cirros@vm1$\n```'))).toEqual([]);
  });
});
