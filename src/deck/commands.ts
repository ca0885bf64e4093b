/**
 * The demo commands of a slide: remark's highlighted lines that start with a prompt (`*$ `) in a code
 * block, with their `\` continuation lines joined, as a person would type them.
 */
import { fenceLines } from './fences.ts';
import type { Slide } from './parse.ts';

export interface SlideCommand {
  /** File line of the command's first line. */
  readonly line: number;
  /** 0-based order among the slide's commands. */
  readonly index: number;
  /** The command as typed, continuations joined with a space, without prompt or markers. */
  readonly text: string;
}

const PROMPT = /^\*\$ ?/;
const CONTINUATION_MARK = /^\* ?/;

export function slideCommands(slide: Slide): SlideCommand[] {
  const commands: SlideCommand[] = [];
  const lines = slide.raw.split('\n');
  const kinds = fenceLines(lines);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (kinds[i] !== 'code' || !PROMPT.test(line)) continue;
    const start = i;
    const parts = [line.replace(PROMPT, '')];
    while (parts[parts.length - 1]?.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      parts[parts.length - 1] = (parts[parts.length - 1] ?? '').trimEnd().slice(0, -1).trimEnd();
      i++;
      parts.push((lines[i] ?? '').replace(CONTINUATION_MARK, '').trim());
    }
    const text = parts.join(' ').replace(/\s+/g, ' ').trim();
    if (text !== '') commands.push({ line: slide.line + start, index: commands.length, text });
  }
  return commands;
}
