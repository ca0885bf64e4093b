/**
 * Demo slides and their labs: a slide with `lab: NAME` runs its `*$` command lines in that lab, each by
 * the id the lab's definition gives the same text. Pure: the caller loads the definitions. A command the
 * lab does not declare, or a lab that does not exist, is a deck problem (the build fails naming the line),
 * so a click on a slide always maps to a command the server will accept.
 */
import type { RunnableCommand } from '../protocol/lab-command.ts';
import { commandIdFor, type LabDefinition } from '../protocol/lab-definition.ts';
import type { DeckProblem } from './check.ts';
import { slideCommands } from './commands.ts';
import type { Deck, Slide } from './parse.ts';

export type LabCommands = Pick<LabDefinition, 'id' | 'commands'>;

/** The slide's runnable commands, in order; commands without an id are left out (see checkLabSlides). */
export function runnableCommands(slide: Slide, labs: ReadonlyMap<string, LabCommands>): RunnableCommand[] {
  const lab = labs.get(slide.properties['lab'] ?? '');
  if (!lab) return [];
  return slideCommands(slide).flatMap(({ text }) => {
    const id = commandIdFor(lab, text);
    return id === undefined ? [] : [{ id, text }];
  });
}

export function checkLabSlides(deck: Deck, labs: ReadonlyMap<string, LabCommands>): DeckProblem[] {
  const problems: DeckProblem[] = [];
  for (const slide of deck.slides) {
    const name = slide.properties['lab'];
    if (name === undefined) continue;
    const file = `slides/${slide.file}`;
    const lab = labs.get(name);
    if (!lab) {
      problems.push({
        file,
        line: slide.line,
        message: `lab "${name}" has no labs/${name}/lab.json (known: ${[...labs.keys()].join(', ') || 'none'})`,
      });
      continue;
    }
    for (const command of slideCommands(slide)) {
      if (commandIdFor(lab, command.text) !== undefined) continue;
      problems.push({
        file,
        line: command.line,
        message: `"${command.text}" is not a command of labs/${name}/lab.json: add it under "commands" with an id`,
      });
    }
  }
  return problems;
}
