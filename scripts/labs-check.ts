/**
 * `npm run labs:check [-- [--labs DIR] [lab...]]`: runs every demo command of every lab (or of the labs named)
 * through the real lab server, as a click on the slide does, in the course's order: the slides' commands as
 * the deck shows them (a command shown twice runs twice: the cloud's `server delete` then `server create
 * vm1`), then the lab.json commands no slide shows, in lab.json's order. A command passes when lab.json's
 * `checks` say so (default: exit status 0); the first failure of a lab is reported with the lab, the
 * command and what the terminal showed, and the script exits 1. Interactive commands (a VM's console) are
 * left with the keys their check gives. Commands the lab says it cannot run on this machine as it is now
 * (its `check-needs` script: the cloud's network demos outside its libvirt mode) are listed with the
 * reason and left out, never silently; `--toutes` runs them regardless. `--jusqua ID` stops each lab's demos
 * after command ID and checks no exercise: CI's libvirt stage runs the cloud's demos up to its last network
 * demo only, the rest having passed in fake mode.
 */
import { join } from 'node:path';
import { deckDemos } from '../src/deck/demos.ts';
import { loadDeck } from '../src/deck/load.ts';
import type { LabDefinition } from '../src/protocol/lab-definition.ts';
import { readCommandLine } from './lib/cli-args.ts';
import { checkExercises } from './lib/exercise-check.ts';
import { LabPage, startServer, type RunningServer } from './lib/lab-page.ts';
import { commandsLeftOut } from './labs-check-needs.ts';

/** The lab's command ids in the course's order (see above). */
function courseOrder(lab: LabDefinition, slidesDir: string): string[] {
  const demos = deckDemos(loadDeck(slidesDir).deck, new Map([[lab.id, lab]]));
  const shown = demos
    .filter((demo) => demo.lab === lab.id)
    .flatMap((demo) => demo.commands.map((command) => command.id));
  return [...shown, ...Object.keys(lab.commands).filter((id) => !shown.includes(id))];
}

async function checkLab(
  running: RunningServer,
  lab: LabDefinition,
  slidesDir: string,
  leftOut: ReadonlyMap<string, string>,
  until: string | undefined,
): Promise<string | undefined> {
  let page: LabPage | undefined;
  try {
    page = await LabPage.open(running, lab.id, `labs-check-${process.pid}`);
    for (const id of courseOrder(lab, slidesDir)) {
      const text = lab.commands[id] ?? '';
      const reason = leftOut.get(id);
      if (reason !== undefined) {
        console.log(`  ⤳ ${lab.id}/${id} : laissée de côté (${reason})`);
        continue;
      }
      const from = page.mark;
      const started = performance.now();
      try {
        await page.run(id, lab.checks[id] ?? {});
        console.log(`  ✓ ${lab.id}/${id} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
        if (id === until) {
          console.log(`  (--jusqua ${until} : la suite de ${lab.id} n'est pas vérifiée)`);
          break;
        }
      } catch (error) {
        const shown = page.since(from).trim().split('\n').slice(-25).join('\n');
        return `✗ ${lab.id}/${id}: ${(error as Error).message}\n  commande : ${text}\n  terminal :\n${shown.replace(/^/gm, '    | ')}`;
      }
    }
    return undefined;
  } catch (error) {
    return `✗ ${lab.id}: ${(error as Error).message}`;
  } finally {
    page?.close();
  }
}

async function main(): Promise<number> {
  const { values, positionals: wanted } = readCommandLine({
    program: 'labs:check',
    usage: 'npm run labs:check -- [--labs DOSSIER] [--toutes] [--jusqua ID] [lab...]',
    options: { labs: { type: 'string' }, toutes: { type: 'boolean' }, jusqua: { type: 'string' } },
    positionals: Infinity,
    expects: {
      labs: 'un dossier de labs (un sous-dossier par lab, avec son lab.json)',
      jusqua: "l'identifiant d'une commande (la dernière à vérifier)",
    },
  });
  const running = await startServer(values.labs);
  const { server } = running;
  const failures: string[] = [];
  const leftOut: string[] = [];
  try {
    const labs = [...server.labs.labs.values()].filter(
      (lab) => Object.keys(lab.commands).length > 0 && (wanted.length === 0 || wanted.includes(lab.id)),
    );
    const unknown = wanted.filter((id) => !server.labs.labs.has(id));
    if (unknown.length > 0) failures.push(`✗ lab(s) inconnu(s) : ${unknown.join(', ')}`);
    for (const lab of labs) {
      const info = server.labInfos().find((i) => i.id === lab.id);
      if (!info?.ready) {
        failures.push(`✗ ${lab.id}: pas prêt (${info?.reason ?? '?'})`);
        continue;
      }
      console.log(`${lab.id} — ${lab.title}`);
      let skip = new Map<string, string>();
      try {
        if (values.toutes !== true) skip = commandsLeftOut(lab.dir, Object.keys(lab.commands));
      } catch (error) {
        failures.push(`✗ ${lab.id}: ${(error as Error).message}`);
        continue;
      }
      if (values.jusqua !== undefined && lab.commands[values.jusqua] === undefined) {
        failures.push(`✗ ${lab.id}: --jusqua ${values.jusqua} n'est pas une commande de ce lab`);
        continue;
      }
      for (const [id, reason] of skip) leftOut.push(`${lab.id}/${id} (${reason})`);
      const failure = await checkLab(running, lab, join(import.meta.dirname, '..', 'slides'), skip, values.jusqua);
      if (failure) failures.push(failure);
    }
    const ready = labs.filter((lab) => server.labInfos().some((info) => info.id === lab.id && info.ready));
    if (values.jusqua === undefined) {
      failures.push(...(await checkExercises(running, ready, join(import.meta.dirname, '..', 'slides'))));
    } else console.log(`exercices non vérifiés (--jusqua ${values.jusqua})`);
  } finally {
    await running.close();
  }
  for (const failure of failures) console.error(failure);
  if (leftOut.length > 0) {
    console.log(`labs:check : ${leftOut.length} commande(s) laissée(s) de côté sur cette machine :`);
    for (const line of leftOut) console.log(`  ⤳ ${line}`);
  }
  console.log(
    failures.length === 0
      ? `labs:check : ${leftOut.length === 0 ? 'toutes les' : 'les autres'} commandes des démos passent.`
      : `labs:check : ${failures.length} échec(s).`,
  );
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
