import { describe, expect, it } from 'vitest';
import { deckDemos } from '../../src/deck/demos.ts';
import { parseDeck } from '../../src/deck/parse.ts';

const labs = new Map([['qemu', { id: 'qemu', commands: { create: 'qemu-img create x 1G', info: 'qemu-img info x' } }]]);

describe('deckDemos', () => {
  it('names each lab slide by its name or its first command, in slide order, without clashes', () => {
    const text = [
      '# Intro',
      'lab: qemu\n# A\n```\n*$ qemu-img create x 1G\n*$ qemu-img info x\n```',
      'lab: qemu\nname: info-again\n# B\n```\n*$ qemu-img info x\n```',
      'lab: qemu\n# C\n```\n*$ qemu-img create x 1G\n```',
      'lab: qemu\n# No command',
    ].join('\n---\n');
    const demos = deckDemos(parseDeck([{ file: 'a.md', text }]), labs);
    expect(demos.map(({ name, slide, path }) => ({ name, slide, path }))).toEqual([
      { name: 'create', slide: 1, path: 'labs/recordings/qemu/create.cast' },
      { name: 'info-again', slide: 2, path: 'labs/recordings/qemu/info-again.cast' },
      { name: 'create-2', slide: 3, path: 'labs/recordings/qemu/create-2.cast' },
    ]);
    expect(demos[0]?.commands.map((c) => c.id)).toEqual(['create', 'info']);
  });

  it('makes an exercise slide’s solution its demo, typed line by line, and leaves one without a solution out', () => {
    const text = [
      'lab: qemu\nexercise: chaine\n# À vous\nCréez le disque.\n???\nSolution :\n```\n$ qemu-img create -f qcow2 -b base.qcow2 -F qcow2 ma-vm.qcow2 2G\n$ qemu-img info --backing-chain ma-vm.qcow2\n```',
      'lab: qemu\nexercise: sans\n# À vous encore\n???\nPas de solution ici.',
    ].join('\n---\n');
    const demos = deckDemos(parseDeck([{ file: 'a.md', text }]), labs);
    expect(demos).toEqual([
      {
        lab: 'qemu',
        name: 'exercice-chaine',
        slide: 0,
        commands: [],
        solution: [
          'qemu-img create -f qcow2 -b base.qcow2 -F qcow2 ma-vm.qcow2 2G',
          'qemu-img info --backing-chain ma-vm.qcow2',
        ],
        path: 'labs/recordings/qemu/exercice-chaine.cast',
      },
    ]);
  });
});
