import { describe, expect, it } from 'vitest';
import { checkLabSlides, runnableCommands, type LabCommands } from '../../src/deck/lab-commands.ts';
import { loadLabDefinitions } from '../../src/deck/load-labs.ts';
import { loadDeck } from '../../src/deck/load.ts';
import { parseDeck } from '../../src/deck/parse.ts';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const labs = new Map<string, LabCommands>([
  [
    'qemu',
    {
      id: 'qemu',
      commands: {
        'img-create': 'qemu-img create -f qcow2 /tmp/img.qcow2 6G',
        boot: 'qemu-system-x86_64 -m 256 -nographic -kernel vmlinuz',
      },
    },
  ],
]);

const deckOf = (text: string) => parseDeck([{ file: 'demo.md', text }]);

describe('demo slides and their labs', () => {
  it('gives each command line of a lab slide the id its lab declares for the same text', () => {
    const deck = deckOf(
      [
        'lab: qemu',
        '# Démo',
        '```shell',
        '*$ qemu-img create -f qcow2  /tmp/img.qcow2 6G',
        'Formatting ...',
        '*$ qemu-system-x86_64 -m 256 \\',
        '*    -nographic -kernel vmlinuz',
        '```',
      ].join('\n'),
    );
    const [slide] = deck.slides;
    if (!slide) throw new Error('no slide');
    expect(runnableCommands(slide, labs)).toEqual([
      { id: 'img-create', text: 'qemu-img create -f qcow2 /tmp/img.qcow2 6G' },
      { id: 'boot', text: 'qemu-system-x86_64 -m 256 -nographic -kernel vmlinuz' },
    ]);
    expect(checkLabSlides(deck, labs)).toEqual([]);
  });

  it('fails a command the lab does not declare, and a lab that does not exist, naming the line', () => {
    const deck = deckOf(['lab: qemu', '# A', '```shell', '*$ rm -rf /', '```', '---', 'lab: nope', '# B'].join('\n'));
    const problems = checkLabSlides(deck, labs);
    expect(problems).toEqual([
      {
        file: 'slides/demo.md',
        line: 4,
        message: expect.stringContaining('"rm -rf /" is not a command of labs/qemu/lab.json'),
      },
      { file: 'slides/demo.md', line: 7, message: expect.stringContaining('lab "nope" has no labs/nope/lab.json') },
    ]);
    const [first] = deck.slides;
    if (!first) throw new Error('no slide');
    expect(runnableCommands(first, labs)).toEqual([]);
  });

  it('leaves slides without a lab alone', () => {
    expect(checkLabSlides(deckOf(['# Texte', '```shell', '*$ ps -aux | grep kvm', '```'].join('\n')), labs)).toEqual(
      [],
    );
  });

  it('finds every command of the course’s demo slides in the project’s labs', () => {
    const projectLabs = loadLabDefinitions(ROOT);
    const { deck } = loadDeck(join(ROOT, 'slides'));
    expect(checkLabSlides(deck, projectLabs)).toEqual([]);
    const demo = deck.slides.filter((s) => s.properties['lab'] !== undefined);
    expect(new Set(demo.map((s) => s.properties['lab']))).toEqual(new Set(['qemu', 'libvirt', 'cloud']));
    expect(demo.flatMap((s) => runnableCommands(s, projectLabs)).length).toBeGreaterThanOrEqual(15);
    // Every OpenStack chapter with commands runs them against the lab cloud.
    const cloudChapters = new Set(demo.filter((s) => s.properties['lab'] === 'cloud').map((s) => s.file));
    for (const chapter of [
      '03-openstack',
      '04-keystone',
      '05-glance',
      '06-nova',
      '07-cinder',
      '08-neutron',
      '10-heat',
    ]) {
      expect(
        [...cloudChapters].some((file) => file.includes(chapter)),
        chapter,
      ).toBe(true);
    }
  });
});
