/**
 * « Vérifier » in one session: runs an exercise's checks (check-runner.ts) the way the session's current
 * shell runs (session-shell.ts), answers the page with `verified`, and logs the outcome. One run at a
 * time per session: a second click while the checks run is refused, not queued.
 */
import { errorValue } from '../protocol/errors.ts';
import type { Attachment } from './attachment.ts';
import { runExercise } from './check-runner.ts';
import type { LabDefinition } from './labs.ts';
import type { SessionShell } from './session-shell.ts';

export class ExerciseVerifier {
  private running = false;

  constructor(
    private readonly lab: LabDefinition,
    /** Names the session in the log: room/lab. */
    private readonly name: string,
    /** Told when checks start: they count as activity (the session is not idle). */
    private readonly onStart: () => void,
  ) {}

  /** Resolves whether every check passed (undefined when they did not run: the page was told why). */
  async verify(
    attachment: Attachment,
    exerciseId: string,
    shell: SessionShell | undefined,
  ): Promise<boolean | undefined> {
    const exercise = Object.hasOwn(this.lab.exercises, exerciseId) ? this.lab.exercises[exerciseId] : undefined;
    if (!exercise) return (attachment.fail(errorValue('UNKNOWN_EXERCISE', { detail: exerciseId })), undefined);
    if (this.running) return (attachment.fail(errorValue('VERIFY_BUSY')), undefined);
    // No shell: a reset could not make its directory, so there is nowhere to check.
    if (!shell) return (attachment.fail(errorValue('SESSION_EXITED')), undefined);
    this.running = true;
    this.onStart();
    try {
      const results = await runExercise(exercise, (command) => shell.checkSpawn(command));
      attachment.peer.outbox.sendMessage({
        type: 'verified',
        channel: attachment.channel,
        exercise: exerciseId,
        results,
      });
      const passed = results.every((result) => result.state === 'pass');
      console.log(
        `lab server: ${this.name} vérifie ${exerciseId} : ${passed ? 'réussi' : results.map((r) => `${r.check} ${r.state}`).join(', ')}`,
      );
      return passed;
    } finally {
      this.running = false;
    }
  }
}
