/**
 * Where the code blocks of a markdown text are, the one way the deck reads them: a fence opens on three
 * or more backticks or tildes, and only a bare run of the same character, at least as long, closes it
 * (so ```` ```shell ```` or `~~~` inside a ``` block is code, not a fence). The parser, the deck checks
 * and the demo commands all ask this, so a slide separator, a link or a `*$` prompt is in code for every
 * one of them or for none. Pure.
 */

/** What a line is: the fence opening or closing a block, a line inside one, or text outside code. */
export type FenceLine = 'open' | 'close' | 'code' | 'text';

const FENCE = /^ *(`{3,}|~{3,})/;

/** The kind of each line, in order; a block left open runs to the end of the text. */
export function fenceLines(lines: readonly string[]): FenceLine[] {
  let fence: string | null = null;
  return lines.map((line) => {
    const marker = FENCE.exec(line)?.[1];
    if (fence === null) {
      if (marker === undefined) return 'text';
      fence = marker;
      return 'open';
    }
    if (marker !== undefined && marker.startsWith(fence) && line.trim() === marker) {
      fence = null;
      return 'close';
    }
    return 'code';
  });
}
