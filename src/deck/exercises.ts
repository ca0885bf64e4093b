/**
 * Exercise slides (« À vous ») : a slide with `lab: NAME` and `exercise: ID` asks for something its chapter
 * taught, without the command; « Vérifier » runs the checks lab.json declares for ID (lab-exercise.ts).
 * The solution sits in the presenter notes, under a line « Solution : », as `$ ` command lines (one per
 * line, in a code block or not): labs:check types them in a fresh session and expects every check to pass.
 * Pure: the caller loads the lab definitions. A slide naming an exercise its lab does not declare, or
 * without a solution, is a deck problem, so a « Vérifier » always names an exercise the server knows and
 * every exercise is proven solvable.
 */
import type { LabDefinition } from '../protocol/lab-definition.ts';
import type { DeckProblem } from './check.ts';
import { fenceLines } from './fences.ts';
import type { Deck, Slide } from './parse.ts';

export type LabExercises = Pick<LabDefinition, 'id' | 'exercises'>;

export interface ExerciseSlide {
  /** Index of the slide in the deck. */
  readonly slide: number;
  readonly file: string;
  readonly line: number;
  readonly lab: string;
  readonly exercise: string;
  /** The solution's command lines, in order, without their `$ `. */
  readonly solution: readonly string[];
}

// « Solution : » with a plain or a non-breaking space before the colon, or none.
const SOLUTION_TITLE = /^Solution[ \u00a0\u202f]?:\s*$/;
const COMMAND = /^\$ (.+)$/;

/**
 * The command lines under « Solution : » in the slide's notes: blank lines and fences are skipped, the
 * first other line ends them. Undefined when the notes have no « Solution : » line.
 */
export function slideSolution(slide: Slide): string[] | undefined {
  const lines = slide.notes.split('\n');
  const start = lines.findIndex((line) => SOLUTION_TITLE.test(line.trim()));
  if (start < 0) return undefined;
  const rest = lines.slice(start + 1);
  const kinds = fenceLines(rest);
  const commands: string[] = [];
  for (const [i, line] of rest.entries()) {
    const kind = kinds[i];
    if (kind === 'open' || kind === 'close' || line.trim() === '') {
      // A code block's end closes the solution once it has commands (what follows is commentary).
      if (kind === 'close' && commands.length > 0) break;
      continue;
    }
    const command = COMMAND.exec(line.trimEnd())?.[1]?.trim();
    if (command === undefined || command === '') break;
    commands.push(command);
  }
  return commands;
}

/** The deck's exercise slides in course order (slides with both `lab:` and `exercise:`). */
export function exerciseSlides(deck: Deck): ExerciseSlide[] {
  return deck.slides.flatMap((slide, index) => {
    const { lab, exercise } = slide.properties;
    if (lab === undefined || exercise === undefined) return [];
    return [
      {
        slide: index,
        file: slide.file,
        line: propertyLine(slide, 'exercise'),
        lab,
        exercise,
        solution: slideSolution(slide) ?? [],
      },
    ];
  });
}

export function checkExerciseSlides(deck: Deck, labs: ReadonlyMap<string, LabExercises>): DeckProblem[] {
  const problems: DeckProblem[] = [];
  const seen = new Map<string, Slide>();
  for (const slide of deck.slides) {
    const { lab: labName, exercise } = slide.properties;
    if (exercise === undefined) continue;
    const file = `slides/${slide.file}`;
    const line = propertyLine(slide, 'exercise');
    const report = (message: string): void => void problems.push({ file, line, message });
    if (labName === undefined) {
      report(
        `« exercise: ${exercise} » sans « lab: » : une diapositive d'exercice dit dans quel lab se font ses vérifications`,
      );
      continue;
    }
    // An unknown lab is already reported by checkLabSlides.
    const lab = labs.get(labName);
    if (!lab) continue;
    if (!Object.hasOwn(lab.exercises, exercise)) {
      const known = Object.keys(lab.exercises);
      report(
        `l'exercice « ${exercise} » n'est pas déclaré dans labs/${labName}/lab.json (exercices : ${known.join(', ') || 'aucun'}) : ` +
          `ajoutez-le sous "exercises", avec ses vérifications`,
      );
    }
    const first = seen.get(`${labName}/${exercise}`);
    if (first)
      report(`l'exercice « ${exercise} » du lab ${labName} a déjà sa diapositive (slides/${first.file}:${first.line})`);
    else seen.set(`${labName}/${exercise}`, slide);
    const solution = slideSolution(slide);
    if (solution === undefined || solution.length === 0) {
      report(
        `l'exercice « ${exercise} » n'a pas de solution dans ses notes : après ???, une ligne « Solution : » puis ses commandes, ` +
          `une par ligne, précédées de « $ » (labs:check les tape pour prouver l'exercice)`,
      );
    }
  }
  return problems;
}

/** File line of a slide's `key:` property (the slide's first line if it has none). */
function propertyLine(slide: Slide, key: string): number {
  const offset = slide.raw.split('\n').findIndex((line) => line.startsWith(`${key}:`));
  return slide.line + Math.max(offset, 0);
}
