/**
 * labs:check's proof of the « À vous » exercises (issue 18, point 5), for each exercise slide in course
 * order, through the real lab server and its `verify`, as « Vérifier » on the slide does:
 *  (a) in a fresh session of the slide's lab (a room of its own), every check must fail, with its hint:
 *      a check that passes on an untouched lab proves nothing;
 *  (b) in another fresh session, the solution from the slide's notes (« Solution : », `$ ` lines) is typed
 *      line by line, each awaited by the prompt's OSC 133 "D" mark and expected to exit 0; then every
 *      check must pass.
 * Typed as a student types them (`input`), not run by id: a solution is not a demo command of lab.json.
 */
import { COMMAND_DONE, stripAnsi } from '../../src/protocol/ansi.ts';
import type { LabDefinition } from '../../src/protocol/lab-definition.ts';
import { DEMO_TERMINAL, PROTOCOL_VERSION } from '../../src/protocol/limits.ts';
import type { CheckResult } from '../../src/protocol/messages.ts';
import { exerciseSlides, type ExerciseSlide } from '../../src/deck/exercises.ts';
import { loadDeck } from '../../src/deck/load.ts';
import type { RunningServer } from './lab-page.ts';
import { connectSocket, ProtocolClient } from './protocol-client.ts';

/** The first prompt waits for the lab's setup (the cloud lab resets its project: tens of seconds under load). */
const FIRST_PROMPT_MS = 180_000;
/** One solution line: `openstack stack create --wait` on a loaded machine takes minutes. */
const LINE_MS = 300_000;
/** Every check of an exercise, run one after the other by the server, each bounded by its timeoutMs. */
const VERIFY_MS = 600_000;
const CHANNEL = 0;

/** One fresh session of a lab, as a presenter's page in a room of its own. */
class ExerciseSession {
  private constructor(private readonly client: ProtocolClient) {}

  static async open(running: RunningServer, lab: string, room: string): Promise<ExerciseSession> {
    const endpoint = { port: running.port, origin: `http://127.0.0.1:${running.port}`, cookie: running.cookie };
    const client = new ProtocolClient(await connectSocket(endpoint));
    const session = new ExerciseSession(client);
    try {
      client.send({ type: 'hello', version: PROTOCOL_VERSION });
      const { cols, rows } = DEMO_TERMINAL;
      client.send({ type: 'attach', channel: CHANNEL, lab, room, cols, rows });
      await session.prompt(0, FIRST_PROMPT_MS);
      return session;
    } catch (error) {
      session.close();
      throw new Error(`le shell du lab n'a jamais affiché son invite (${(error as Error).message})`, { cause: error });
    }
  }

  /** Types one line and resolves with its exit status, read in the next prompt's mark. */
  async type(line: string): Promise<number> {
    const from = this.client.text(CHANNEL).length;
    this.client.send({ type: 'input', channel: CHANNEL, data: `${line}\r` });
    return this.prompt(from, LINE_MS);
  }

  async verify(exercise: string): Promise<readonly CheckResult[]> {
    const from = this.client.messages.length;
    this.client.send({ type: 'verify', channel: CHANNEL, exercise });
    const answer = await this.client.until(
      () => {
        for (const message of this.client.messages.slice(from)) {
          if (message.type === 'verified' && message.channel === CHANNEL && message.exercise === exercise)
            return message;
          if (message.type === 'error') return message;
        }
        return undefined;
      },
      `verified ${exercise}`,
      VERIFY_MS,
    );
    if (answer.type === 'error') throw new Error(`verify refusé : ${answer.code} ${answer.message}`);
    return answer.results;
  }

  /** The terminal's last lines, without escape sequences, for a failure report. */
  tail(lines = 20): string {
    return stripAnsi(this.client.text(CHANNEL)).trim().split('\n').slice(-lines).join('\n');
  }

  close(): void {
    this.client.terminate();
  }

  private async prompt(from: number, ms: number): Promise<number> {
    const match = await this.client.until(
      () => COMMAND_DONE.exec(this.client.text(CHANNEL).slice(from)) ?? undefined,
      'OSC 133;D',
      ms,
    );
    return Number(match[1]);
  }
}

const shown = (results: readonly CheckResult[]): string =>
  results
    .map((r) => `${r.check} ${r.state}${r.message ? ` (${r.message})` : ''}${r.hint ? ` — ${r.hint}` : ''}`)
    .join('\n    ');

/** (a) An untouched session: every check fails, and says its hint. */
async function untouched(
  running: RunningServer,
  lab: LabDefinition,
  slide: ExerciseSlide,
  room: string,
): Promise<string | undefined> {
  const session = await ExerciseSession.open(running, lab.id, room);
  try {
    const results = await session.verify(slide.exercise);
    const checks = lab.exercises[slide.exercise]?.checks ?? [];
    const wrong = results.filter((r) => r.state !== 'fail' || r.hint !== checks.find((c) => c.id === r.check)?.hint);
    if (results.length !== checks.length || wrong.length > 0) {
      return `sur un lab vierge, chaque vérification doit échouer avec son indice :\n    ${shown(results)}`;
    }
    return undefined;
  } finally {
    session.close();
  }
}

/** (b) The notes' solution typed in a fresh session: every line exits 0, then every check passes. */
async function solved(
  running: RunningServer,
  lab: LabDefinition,
  slide: ExerciseSlide,
  room: string,
): Promise<string | undefined> {
  const session = await ExerciseSession.open(running, lab.id, room);
  try {
    for (const line of slide.solution) {
      const status = await session.type(line);
      if (status !== 0)
        return `la solution échoue (code ${status}) à : $ ${line}\n  terminal :\n${session.tail().replace(/^/gm, '    | ')}`;
    }
    const results = await session.verify(slide.exercise);
    if (results.length === 0 || results.some((r) => r.state !== 'pass')) {
      return `après la solution, des vérifications ne passent pas :\n    ${shown(results)}\n  terminal :\n${session.tail().replace(/^/gm, '    | ')}`;
    }
    return undefined;
  } finally {
    session.close();
  }
}

/**
 * Proves every exercise slide whose lab is in `labs` (the ready labs asked for); returns one failure
 * message per exercise that did not hold, and prints a ✓ line for each that did.
 */
export async function checkExercises(
  running: RunningServer,
  labs: readonly LabDefinition[],
  slidesDir: string,
): Promise<string[]> {
  const byId = new Map(labs.map((lab) => [lab.id, lab]));
  const slides = exerciseSlides(loadDeck(slidesDir).deck).filter((slide) => byId.has(slide.lab));
  if (slides.length > 0) console.log('exercices — « À vous », vérifiés avant et après leur solution');
  const failures: string[] = [];
  for (const [n, slide] of slides.entries()) {
    const lab = byId.get(slide.lab);
    if (!lab) continue;
    const name = `${slide.lab}/${slide.exercise} (slides/${slide.file}:${slide.line})`;
    const started = performance.now();
    const room = `exercices-${process.pid}-${n}`;
    try {
      const problem =
        (await untouched(running, lab, slide, `${room}-vierge`)) ??
        (await solved(running, lab, slide, `${room}-solution`));
      if (problem) failures.push(`✗ exercice ${name} : ${problem}`);
      else console.log(`  ✓ exercice ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failures.push(`✗ exercice ${name} : ${(error as Error).message}`);
    }
  }
  return failures;
}
