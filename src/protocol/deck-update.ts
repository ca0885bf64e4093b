/**
 * What the deck plugin tells the browser about the slides: the virtual module's shape and the hot update
 * sent when a slide file changes. Shared by src/deck (sender) and src/client (receiver).
 */
import type { RunnableCommand } from './lab-command.ts';

export interface DeckSlideInfo {
  /** remark `name:` property, if any. */
  readonly name?: string;
  /** Lab a demo slide runs in (`lab:` property), if any. */
  readonly lab?: string;
  /**
   * A demo slide's `*$` command lines in order, each with the id its lab gives it: a click sends
   * `run {commandId}`, never the text.
   */
  readonly commands?: readonly RunnableCommand[];
  /**
   * An exercise slide's exercise (`exercise:` property, « À vous »): « Vérifier » sends `verify {exercise}`
   * for it in the slide's lab; the build checked that the lab declares it.
   */
  readonly exercise?: string;
  /** An exercise slide's heading (its `## ` line, « À vous : un disque adossé »), for the presenter's panel. */
  readonly exerciseTitle?: string;
  /** An exercise slide's solution (its notes' `$ ` lines) as the steps of its recording, for the print view. */
  readonly solution?: readonly RunnableCommand[];
  /** Its recording (asciicast v2), relative to the built deck, when one was made (`npm run record`). */
  readonly recording?: string;
  /** What each command printed in that recording, as text, for the print view (by command id). */
  readonly transcript?: Readonly<Record<string, string>>;
  /** The terminal's width the recording was made at (its header), which the printed transcript fits. */
  readonly transcriptColumns?: number;
  readonly steps: number;
}

export interface DeckModule {
  readonly title: string;
  /** The markdown remark renders. */
  readonly source: string;
  readonly slides: readonly DeckSlideInfo[];
}

/** Custom HMR event name; the payload is a DeckUpdate. */
export const DECK_UPDATE_EVENT = 'deck:update';

export interface DeckUpdate extends DeckModule {
  /** Indices of slides whose text changed, so the pane knows what to redraw. */
  readonly changed: readonly number[];
}
