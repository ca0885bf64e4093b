/**
 * An exercise slide (« À vous ») gets its « Vérifier » control under the statement, tied to the slide's lab
 * pane: the checks run in that pane's session (the student's own lab, or the presenter's), and need it
 * live; in a replay (the static deck, no server) the control says so instead.
 */
import type { LabChannel } from '../pane/lab-channel.ts';
import { verifyControlIn } from './verify-control.ts';

export function decorateExercise(content: HTMLElement, channel: LabChannel, exercise: string): void {
  const control = verifyControlIn(content, exercise, () => channel.verify(exercise));
  control.dispatch({ type: 'live', live: !channel.replaying });
  channel.onVerify = (event) => {
    if (event.exercise !== control.exercise) return;
    control.dispatch(
      'results' in event
        ? { type: 'verified', results: event.results }
        : { type: 'refused', message: event.message, ...(event.hint === undefined ? {} : { hint: event.hint }) },
    );
  };
}
