/**
 * Demos: each slide with a `lab:` is one demo, recorded as labs/recordings/<lab>/<demo>.cast and replayed
 * in its pane when there is no lab server. A demo is named by the slide's `name:` or else by the id of its
 * first command, so renaming a slide's title does not orphan its recording. An exercise slide (« À vous »,
 * exercises.ts) runs no command of its lab: its demo is its solution, typed as a student would, named
 * `exercice-<id>`, so that the deck without a server replays how it is done. Pure.
 */
import type { RunnableCommand } from '../protocol/lab-command.ts';
import { runnableCommands, type LabCommands } from './lab-commands.ts';
import { slideSolution } from './exercises.ts';
import type { Deck } from './parse.ts';

export interface Demo {
  readonly lab: string;
  readonly name: string;
  /** Index of the slide in the deck. */
  readonly slide: number;
  readonly commands: readonly RunnableCommand[];
  /** An exercise slide's solution (its notes' `$ ` lines), typed into a fresh session of the lab. */
  readonly solution?: readonly string[];
  /** Where its recording lives, relative to the project root (and to the built deck, without `labs/`). */
  readonly path: string;
}

export const RECORDINGS_DIR = 'labs/recordings';

/**
 * An exercise's solution as steps of its recording: line N is marked `solution-N` (record.ts), and the
 * print view lists them as it lists a demo's commands.
 */
export function solutionSteps(solution: readonly string[]): RunnableCommand[] {
  return solution.map((text, index) => ({ id: `solution-${index + 1}`, text }));
}

export function recordingPath(lab: string, demo: string): string {
  return `${RECORDINGS_DIR}/${lab}/${demo}.cast`;
}

/** The deck's demos in slide order; slides whose lab is unknown or that run nothing have none. */
export function deckDemos(deck: Deck, labs: ReadonlyMap<string, LabCommands>): Demo[] {
  const demos: Demo[] = [];
  const taken = new Set<string>();
  deck.slides.forEach((slide, index) => {
    const lab = slide.properties['lab'];
    const exercise = slide.properties['exercise'];
    const commands = lab === undefined ? [] : runnableCommands(slide, labs);
    const solution = exercise === undefined || commands.length > 0 ? undefined : slideSolution(slide);
    const base = commands[0]?.id ?? (solution?.length ? `exercice-${exercise ?? ''}` : undefined);
    if (lab === undefined || base === undefined) return;
    let name = slide.properties['name'] ?? base;
    // Two slides starting with the same command still get a recording each.
    for (let n = 2; taken.has(`${lab}/${name}`); n++) name = `${slide.properties['name'] ?? base}-${n}`;
    taken.add(`${lab}/${name}`);
    demos.push({
      lab,
      name,
      slide: index,
      commands,
      ...(solution?.length ? { solution } : {}),
      path: recordingPath(lab, name),
    });
  });
  return demos;
}
