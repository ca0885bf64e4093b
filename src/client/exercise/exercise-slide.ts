/**
 * An exercise slide (« À vous ») gets its « Vérifier » control under the statement, tied to the slide's lab
 * pane: the checks run in that pane's session (the student's own lab, or the presenter's), and need it
 * attached as its writer; until then, and in a replay (the static deck, no server), the button waits and
 * the control says why.
 */
import type { LabChannel } from '../pane/lab-channel.ts';
import { verifyControlIn } from './verify-control.ts';

export function decorateExercise(content: HTMLElement, channel: LabChannel, exercise: string): void {
  const control = verifyControlIn(content, exercise, () => channel.verify(exercise));
  control.dispatch({ type: 'lab', lab: channel.readiness });
  channel.onReadiness = (lab) => control.dispatch({ type: 'lab', lab });
  channel.onVerify = (event) => {
    if (event.exercise !== control.exercise) return;
    control.dispatch(
      'results' in event
        ? { type: 'verified', results: event.results }
        : { type: 'refused', message: event.message, ...(event.hint === undefined ? {} : { hint: event.hint }) },
    );
  };
}
