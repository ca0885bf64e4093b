import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeckModule } from '../../src/protocol/deck-update.ts';
import { checkExerciseSlides, exerciseSlides, slideSolution, type LabExercises } from '../../src/deck/exercises.ts';
import { loadLabDefinitions } from '../../src/deck/load-labs.ts';
import { loadDeck } from '../../src/deck/load.ts';
import { parseDeck } from '../../src/deck/parse.ts';
import { deckPlugin } from '../../src/deck/vite-plugin.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const check = { id: 'existe', run: 'test -f ma-vm.qcow2', hint: 'Créez-le.' };
const labs = new Map<string, LabExercises>([
  ['qemu', { id: 'qemu', exercises: { 'qcow2-chaine': { id: 'qcow2-chaine', title: 'Un disque', checks: [check] } } }],
]);
const deckOf = (text: string) => parseDeck([{ file: 'exo.md', text }]);
const exercise = (id: string, notes: string[]) =>
  ['lab: qemu', `exercise: ${id}`, '# À vous', 'Créez un disque.', '', '???', ...notes].join('\n');
const slideOf = (text: string) => {
  const [slide] = deckOf(text).slides;
  if (!slide) throw new Error('no slide');
  return slide;
};

describe('exercise slides', () => {
  it('read the solution under « Solution : », in a code block or not, up to the first other line', () => {
    const fenced = slideOf(
      exercise('qcow2-chaine', [
        'Solution :',
        '```shell',
        '$ qemu-img create -f qcow2 a.qcow2 1G',
        '$ qemu-img info a.qcow2',
        '```',
        '$ pas ceci',
      ]),
    );
    expect(slideSolution(fenced)).toEqual(['qemu-img create -f qcow2 a.qcow2 1G', 'qemu-img info a.qcow2']);
    const plain = slideOf(
      exercise('qcow2-chaine', ['Avant.', 'Solution\u00a0:', '', '$ ls', '$ ls -l', 'Ensuite du texte.', '$ pas ceci']),
    );
    expect(slideSolution(plain)).toEqual(['ls', 'ls -l']);
    expect(slideSolution(slideOf(exercise('qcow2-chaine', ['$ ls'])))).toBeUndefined();
  });

  it('are listed in course order with their lab, exercise, line and solution', () => {
    const deck = deckOf(['# Titre', '---', exercise('qcow2-chaine', ['Solution :', '$ ls'])].join('\n'));
    expect(exerciseSlides(deck)).toEqual([
      { slide: 1, file: 'exo.md', line: 4, lab: 'qemu', exercise: 'qcow2-chaine', solution: ['ls'] },
    ]);
    expect(checkExerciseSlides(deck, labs)).toEqual([]);
  });

  it('fail the build on an exercise the lab does not declare, a missing solution, a second slide, or no lab', () => {
    const deck = deckOf(
      [
        exercise('inconnu', ['Solution :', '$ ls']),
        '---',
        exercise('qcow2-chaine', ['Pas de solution ici.']),
        '---',
        exercise('qcow2-chaine', ['Solution :', 'du texte, pas de commande']),
        '---',
        'exercise: seul',
        '# Sans lab',
      ].join('\n'),
    );
    const messages = checkExerciseSlides(deck, labs).map((p) => `${p.file}:${p.line}: ${p.message}`);
    expect(messages).toEqual([
      expect.stringMatching(
        /^slides\/exo\.md:2: l'exercice « inconnu » n'est pas déclaré dans labs\/qemu\/lab\.json \(exercices : qcow2-chaine\)/,
      ),
      expect.stringMatching(
        /^slides\/exo\.md:11: l'exercice « qcow2-chaine » n'a pas de solution dans ses notes : après \?\?\?, une ligne « Solution : »/,
      ),
      expect.stringMatching(
        /^slides\/exo\.md:19: l'exercice « qcow2-chaine » du lab qemu a déjà sa diapositive \(slides\/exo\.md:10\)/,
      ),
      expect.stringMatching(/^slides\/exo\.md:19: l'exercice « qcow2-chaine » n'a pas de solution/),
      expect.stringMatching(/^slides\/exo\.md:27: « exercise: seul » sans « lab: »/),
    ]);
  });

  it('in the course: one or two per lab chapter, each declared by its lab, with a solution', () => {
    const projectLabs = loadLabDefinitions(ROOT);
    const { deck } = loadDeck(join(ROOT, 'slides'));
    expect(checkExerciseSlides(deck, projectLabs)).toEqual([]);
    const slides = exerciseSlides(deck);
    for (const chapter of [
      '02-virtualisation',
      '04-keystone',
      '05-glance',
      '06-nova',
      '07-cinder',
      '08-neutron',
      '10-heat',
    ]) {
      const count = slides.filter((s) => s.file.startsWith(chapter)).length;
      expect(count, chapter).toBeGreaterThanOrEqual(1);
      expect(count, chapter).toBeLessThanOrEqual(2);
    }
    expect(new Set(slides.map((s) => s.lab))).toEqual(new Set(['qemu', 'libvirt', 'cloud']));
    // Every exercise a lab declares has its slide: none is left that no one can reach.
    const declared = [...projectLabs.values()].flatMap((lab) =>
      Object.keys(lab.exercises).map((id) => `${lab.id}/${id}`),
    );
    expect(slides.map((s) => `${s.lab}/${s.exercise}`).sort()).toEqual(declared.sort());
    // The slide asks without giving the command: no runnable `*$` line, and the solution is not on it.
    for (const s of slides) {
      const slide = deck.slides[s.slide];
      expect(slide?.content, `${s.file}:${s.line}`).not.toMatch(/^\*\$/m);
      for (const command of s.solution) expect(slide?.content, `${s.file}:${s.line}`).not.toContain(command);
    }
  });

  it('carry their exercise id in the deck module sent to the page', () => {
    const plugin = deckPlugin({ root: ROOT });
    const load = plugin.load as (this: unknown, id: string) => string;
    const code = load.call(
      {
        error: (message: string) => {
          throw new Error(message);
        },
      },
      '\0virtual:deck',
    );
    const module = JSON.parse(code.replace(/^export default /, '').replace(/;\s*$/, '')) as DeckModule;
    const withExercise = module.slides.filter((s) => s.exercise !== undefined);
    expect(withExercise.map((s) => `${s.lab}/${s.exercise}`)).toEqual(
      exerciseSlides(loadDeck(join(ROOT, 'slides')).deck).map((s) => `${s.lab}/${s.exercise}`),
    );
    expect(module.slides.filter((s) => s.exercise !== undefined && s.lab === undefined)).toEqual([]);
  });
});
