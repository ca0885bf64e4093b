/**
 * `npm run record [-- lab...]`: records every demo of the deck against the real labs, headless, into
 * labs/recordings/<lab>/<demo>.cast (asciicast v2), for the deck to replay when there is no lab server.
 * Each lab runs in one session, its slides in deck order, as in class: a demo's recording starts from the
 * screen the previous demo left, then one marker and the command per click. Commands run by id, with the
 * checks of labs:check, so a broken demo is never recorded. Idle gaps are capped and each file is bounded.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deckDemos, RECORDINGS_DIR, type Demo } from '../src/deck/demos.ts';
import { loadDeck } from '../src/deck/load.ts';
import { loadLabDefinitions } from '../src/deck/load-labs.ts';
import { parseCast } from '../src/protocol/asciicast.ts';
import { CastRecorder } from '../src/server/recorder.ts';
import { readCommandLine } from './lib/cli-args.ts';
import { LabPage, startServer, type RunningServer } from './lib/lab-page.ts';

const ROOT = join(import.meta.dirname, '..');
const MAX_CAST_BYTES = 512 * 1024;
/** After a command's prompt mark, the rest of the prompt is let in before the recording stops. */
const PROMPT_SETTLE_MS = 150;
const ROOM = 'record';

async function recordLab(running: RunningServer, lab: string, demos: readonly Demo[]): Promise<string[]> {
  const definition = running.server.labs.labs.get(lab);
  if (!definition) throw new Error(`lab ${lab}: no labs/${lab}/lab.json`);
  // At the demos' terminal size (DEMO_TERMINAL), the pane's own on a demo slide: replayed without re-wrap.
  const page = await LabPage.open(running, lab, ROOM);
  const written: string[] = [];
  try {
    const session = running.server.registry.find(ROOM, lab);
    if (!session) throw new Error(`lab ${lab}: the session did not start`);
    for (const demo of demos) {
      const lines: string[] = [];
      const recording = session.record((cols, rows) => new CastRecorder({ cols, rows, title: `${definition.title} — ${demo.name}`, sink: (line) => lines.push(line) }));
      for (const command of demo.commands) {
        const from = page.mark;
        try {
          await page.run(command.id, definition.checks[command.id] ?? {});
        } catch (error) {
          const shown = page.since(from).trim().split('\n').slice(-15).join('\n');
          throw new Error(`${lab}/${command.id} (${demo.name}): ${(error as Error).message}\n${shown.replace(/^/gm, '    | ')}`, { cause: error });
        }
      }
      await new Promise((resolve) => setTimeout(resolve, PROMPT_SETTLE_MS));
      recording.dispose();
      const text = `${lines.join('\n')}\n`;
      const parsed = parseCast(text);
      if (!parsed.ok) throw new Error(`${demo.path}: the recording does not parse back (${parsed.message})`);
      if (text.length > MAX_CAST_BYTES) throw new Error(`${demo.path}: ${text.length} bytes, more than the ${MAX_CAST_BYTES} allowed`);
      mkdirSync(join(ROOT, dirname(demo.path)), { recursive: true });
      writeFileSync(join(ROOT, demo.path), text);
      written.push(demo.path);
      console.log(`  ✓ ${demo.path} (${demo.commands.length} commande(s), ${(text.length / 1024).toFixed(1)} Kio)`);
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
  const { positionals: wanted } = readCommandLine({ program: 'record', usage: 'npm run record -- [lab...]', options: {}, positionals: Infinity });
  const labs = loadLabDefinitions(ROOT);
  const demos = deckDemos(loadDeck(join(ROOT, 'slides')).deck, labs);
  const byLab = new Map<string, Demo[]>();
  for (const demo of demos) byLab.set(demo.lab, [...(byLab.get(demo.lab) ?? []), demo]);
  const unknown = wanted.filter((lab) => !byLab.has(lab));
  if (unknown.length > 0) {
    console.error(`record : aucune démo pour ${unknown.join(', ')} (labs des diapositives : ${[...byLab.keys()].join(', ')})`);
    return 1;
  }
  const running = await startServer(undefined);
  try {
    for (const [lab, labDemos] of byLab) {
      if (wanted.length > 0 && !wanted.includes(lab)) continue;
      const info = running.server.labInfos().find((i) => i.id === lab);
      if (!info?.ready) throw new Error(`lab ${lab} pas prêt : ${info?.reason ?? '?'} (bash labs/setup)`);
      console.log(`${lab} — ${labDemos.length} démo(s)`);
      removeStale(lab, new Set(await recordLab(running, lab, labDemos)));
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
