/**
 * `npm run record [-- --exercices] [--manquants] [lab...]`: records every demo of the deck (or, with
 * --exercices, only the « À vous » solutions; with --manquants, only demos without a recording yet)
 * against the real labs, headless, into
 * labs/recordings/<lab>/<demo>.cast (asciicast v2), for the deck to replay when there is no lab server.
 * Each lab runs in one session, its slides in deck order, as in class: a demo's recording starts from the
 * screen the previous demo left, then one marker and the command per click. Commands run by id, with the
 * checks of labs:check, so a broken demo is never recorded. Idle gaps are capped and each file is bounded.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deckDemos, RECORDINGS_DIR, solutionSteps, type Demo } from '../src/deck/demos.ts';
import { loadDeck } from '../src/deck/load.ts';
import { loadLabDefinitions } from '../src/deck/load-labs.ts';
import { COMMAND_DONE } from '../src/protocol/ansi.ts';
import { parseCast } from '../src/protocol/asciicast.ts';
import type { LabDefinition } from '../src/protocol/lab-definition.ts';
import { CastRecorder } from '../src/server/recorder.ts';
import { readCommandLine } from './lib/cli-args.ts';
import { LabPage, startServer, type RunningServer } from './lib/lab-page.ts';

const ROOT = join(import.meta.dirname, '..');
const MAX_CAST_BYTES = 512 * 1024;
/** After a command's prompt mark, the rest of the prompt is let in before the recording stops. */
const PROMPT_SETTLE_MS = 150;
const ROOM = 'record';

/** One solution line: `openstack stack create --wait` on a loaded machine takes minutes. */
const SOLUTION_LINE_MS = 300_000;

/** Runs the demo's commands by id (their checks as labs:check has them), one marker each. */
async function playCommands(page: LabPage, definition: LabDefinition, demo: Demo): Promise<void> {
  for (const command of demo.commands) {
    const from = page.mark;
    try {
      await page.run(command.id, definition.checks[command.id] ?? {});
    } catch (error) {
      const shown = page.since(from).trim().split('\n').slice(-15).join('\n');
      throw new Error(
        `${definition.id}/${command.id} (${demo.name}): ${(error as Error).message}\n${shown.replace(/^/gm, '    | ')}`,
        { cause: error },
      );
    }
  }
}

/** Types an exercise's solution as a student would, one marker per line; each line must exit 0. */
async function typeSolution(
  page: LabPage,
  recorder: CastRecorder,
  demo: Demo,
  solution: readonly string[],
): Promise<void> {
  for (const { id, text: line } of solutionSteps(solution)) {
    const from = page.mark;
    recorder.marker(id);
    page.send({ type: 'input', channel: 0, data: `${line}\r` });
    const status = Number((await page.waitFor(COMMAND_DONE, from, SOLUTION_LINE_MS, 'raw'))[1]);
    if (status !== 0) {
      const shown = page.since(from).trim().split('\n').slice(-15).join('\n');
      throw new Error(
        `${demo.path}: la solution échoue (code ${status}) à « ${line} »\n${shown.replace(/^/gm, '    | ')}`,
      );
    }
  }
}

/** Records one demo in `room`'s session of the lab, whose page is `page`; returns the cast's text. */
async function recordDemo(
  running: RunningServer,
  page: LabPage,
  room: string,
  definition: LabDefinition,
  demo: Demo,
): Promise<string> {
  const session = running.server.registry.find(room, definition.id);
  if (!session) throw new Error(`lab ${definition.id}: the session did not start`);
  const lines: string[] = [];
  let recorder: CastRecorder | undefined;
  const recording = session.record(
    (cols, rows) =>
      (recorder = new CastRecorder({
        cols,
        rows,
        title: `${definition.title} — ${demo.name}`,
        sink: (line) => lines.push(line),
      })),
  );
  try {
    if (demo.solution && recorder) await typeSolution(page, recorder, demo, demo.solution);
    else await playCommands(page, definition, demo);
    await new Promise((resolve) => setTimeout(resolve, PROMPT_SETTLE_MS));
  } finally {
    recording.dispose();
  }
  return `${lines.join('\n')}\n`;
}

async function recordLab(running: RunningServer, lab: string, demos: readonly Demo[]): Promise<string[]> {
  const definition = running.server.labs.labs.get(lab);
  if (!definition) throw new Error(`lab ${lab}: no labs/${lab}/lab.json`);
  // At the demos' terminal size (DEMO_TERMINAL), the pane's own on a demo slide: replayed without re-wrap.
  const page = await LabPage.open(running, lab, ROOM);
  const written: string[] = [];
  try {
    // Exercises last: a fresh session of a lab may reset what the lab shares (the cloud lab's demo
    // project), which the demos, recorded in one session in deck order, build on.
    for (const demo of [...demos.filter((d) => !d.solution), ...demos.filter((d) => d.solution)]) {
      let text: string;
      if (demo.solution) {
        // An exercise is done from an untouched lab, as a student starts it (and as labs:check proves it).
        const room = `${ROOM}-${demo.name}`;
        const fresh = await LabPage.open(running, lab, room);
        try {
          text = await recordDemo(running, fresh, room, definition, demo);
        } finally {
          fresh.close();
        }
      } else {
        text = await recordDemo(running, page, ROOM, definition, demo);
      }
      const parsed = parseCast(text);
      if (!parsed.ok) throw new Error(`${demo.path}: the recording does not parse back (${parsed.message})`);
      if (text.length > MAX_CAST_BYTES)
        throw new Error(`${demo.path}: ${text.length} bytes, more than the ${MAX_CAST_BYTES} allowed`);
      mkdirSync(join(ROOT, dirname(demo.path)), { recursive: true });
      writeFileSync(join(ROOT, demo.path), text);
      written.push(demo.path);
      const steps = demo.solution
        ? `${demo.solution.length} ligne(s) de solution`
        : `${demo.commands.length} commande(s)`;
      console.log(`  ✓ ${demo.path} (${steps}, ${(text.length / 1024).toFixed(1)} Kio)`);
    }
  } finally {
    page.close();
  }
  return written;
}

/** Recordings of demos that no longer exist go, so the deck never replays a stale one. */
function removeStale(lab: string, keep: ReadonlySet<string>): void {
  const dir = join(ROOT, RECORDINGS_DIR, lab);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = `${RECORDINGS_DIR}/${lab}/${name}`;
    if (name.endsWith('.cast') && !keep.has(path)) {
      rmSync(join(ROOT, path));
      console.log(`  − ${path} (plus de démo de ce nom)`);
    }
  }
}

async function main(): Promise<number> {
  const { values, positionals: wanted } = readCommandLine({
    program: 'record',
    usage: 'npm run record -- [--exercices] [--manquants] [lab...]',
    options: { exercices: { type: 'boolean' }, manquants: { type: 'boolean' } },
    positionals: Infinity,
  });
  const labs = loadLabDefinitions(ROOT);
  const demos = deckDemos(loadDeck(join(ROOT, 'slides')).deck, labs);
  const byLab = new Map<string, Demo[]>();
  for (const demo of demos) byLab.set(demo.lab, [...(byLab.get(demo.lab) ?? []), demo]);
  const unknown = wanted.filter((lab) => !byLab.has(lab));
  if (unknown.length > 0) {
    console.error(
      `record : aucune démo pour ${unknown.join(', ')} (labs des diapositives : ${[...byLab.keys()].join(', ')})`,
    );
    return 1;
  }
  const running = await startServer(undefined);
  try {
    for (const [lab, labDemos] of byLab) {
      if (wanted.length > 0 && !wanted.includes(lab)) continue;
      const info = running.server.labInfos().find((i) => i.id === lab);
      if (!info?.ready) throw new Error(`lab ${lab} pas prêt : ${info?.reason ?? '?'} (bash labs/setup)`);
      // --exercices: only the exercises' solutions; --manquants: only the demos without a recording yet (a
      // new chapter's), in deck order in one fresh session. The other recordings stay as they are.
      const chosen = labDemos.filter(
        (d) =>
          (values.exercices !== true || d.solution) && (values.manquants !== true || !existsSync(join(ROOT, d.path))),
      );
      if (chosen.length === 0) continue;
      console.log(`${lab} — ${chosen.length} démo(s)`);
      await recordLab(running, lab, chosen);
      removeStale(lab, new Set(labDemos.map((d) => d.path)));
    }
  } catch (error) {
    console.error(`✗ ${(error as Error).message}`);
    return 1;
  } finally {
    await running.close();
  }
  console.log('record : enregistrements écrits dans labs/recordings/.');
  return 0;
}

process.exitCode = await main();
