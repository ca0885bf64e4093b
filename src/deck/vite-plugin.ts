/**
 * `virtual:deck`: the slides assembled from slides/ as one module, checked at build, hot-updated in dev.
 * Like Slidev's loader, a change to one chapter re-parses the deck and sends only a `deck:update` with the
 * changed slide indices; the browser reloads remark in place and stays on its slide.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin, ResolvedConfig, ViteDevServer } from 'vite';
import { DECK_UPDATE_EVENT, type DeckModule, type DeckUpdate } from '../protocol/deck-update.ts';
import { checkDeck, localReferences, type DeckProblem } from './check.ts';
import { deckDemos, RECORDINGS_DIR, solutionSteps } from './demos.ts';
import { checkExerciseSlides, slideSolution } from './exercises.ts';
import { checkLabSlides, runnableCommands, type LabCommands } from './lab-commands.ts';
import { loadDeck, type LoadedDeck } from './load.ts';
import { loadLabDefinitions } from './load-labs.ts';
import { changedSlides } from './parse.ts';
import { figurePlaceholder } from './placeholder.ts';
import { castColumns, castTranscript } from './transcript.ts';
import { parseCast } from '../protocol/asciicast.ts';
import type { LabDefinition } from '../protocol/lab-definition.ts';

const VIRTUAL_ID = 'virtual:deck';
// The \0 prefix keeps other plugins from treating the virtual id as a file (Vite's convention).
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

export interface DeckPluginOptions {
  /** Project root; slides/ and img/ are under it. */
  readonly root: string;
}

export function deckPlugin(options: DeckPluginOptions): Plugin {
  const slidesDir = join(options.root, 'slides');
  let config: ResolvedConfig | undefined;
  let current: LoadedDeck | undefined;
  let labs: ReadonlyMap<string, LabDefinition> = new Map();

  const load = (): LoadedDeck => {
    labs = loadLabDefinitions(options.root);
    current = loadDeck(slidesDir);
    return current;
  };
  const problemsOf = (loaded: LoadedDeck): DeckProblem[] => [
    ...checkDeck(loaded.deck, (path) => existsSync(join(options.root, path))),
    ...checkLabSlides(loaded.deck, labs),
    ...checkExerciseSlides(loaded.deck, labs),
  ];

  return {
    name: 'deck:slides',
    configResolved(resolved) {
      config = resolved;
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const loaded = load();
      const problems = problemsOf(loaded);
      const errors = problems.filter((p) => !p.missingFigure);
      const text = (list: DeckProblem[]): string => list.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n');
      if (errors.length > 0) {
        if (config?.command === 'build') this.error(`the slides have ${errors.length} problem(s):\n${text(errors)}`);
        config?.logger.warn(`[deck] ${text(errors)}`);
      }
      const missing = problems.filter((p) => p.missingFigure);
      if (missing.length > 0)
        config?.logger.warn(`[deck] figures not drawn yet, shown as placeholders:\n${text(missing)}`);
      return `export default ${JSON.stringify(toModule(loaded, labs, options.root))};`;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const recording =
          current &&
          recordingFile(options.root, current, labs, decodeURI((req.url ?? '').split('?')[0] ?? '').slice(1));
        if (recording) {
          res.setHeader('Content-Type', 'application/x-asciicast');
          res.end(readFileSync(recording));
          return;
        }
        const placeholder =
          current && placeholdersOf(current).get(decodeURI((req.url ?? '').split('?')[0] ?? '').slice(1));
        if (!placeholder) return next();
        res.setHeader('Content-Type', 'image/svg+xml');
        res.end(placeholder);
      });
      server.watcher.add(slidesDir);
      server.watcher.add(join(options.root, 'labs'));
      server.watcher.on('change', (file) => onSlideFileChange(server, file));
    },
    generateBundle() {
      const loaded = current ?? load();
      for (const path of filesToShip(options.root, loaded)) {
        this.emitFile({ type: 'asset', fileName: path, source: readFileSync(join(options.root, path)) });
      }
      for (const demo of deckDemos(loaded.deck, labs)) {
        const file = join(options.root, demo.path);
        if (existsSync(file))
          this.emitFile({ type: 'asset', fileName: shippedPath(demo.path), source: readFileSync(file) });
      }
      for (const [path, svg] of placeholdersOf(loaded)) this.emitFile({ type: 'asset', fileName: path, source: svg });
    },
  };

  function placeholdersOf(loaded: LoadedDeck): Map<string, string> {
    const placeholders = new Map<string, string>();
    for (const { missingFigure } of problemsOf(loaded)) {
      if (missingFigure) placeholders.set(missingFigure.path, figurePlaceholder(missingFigure.alt));
    }
    return placeholders;
  }

  function onSlideFileChange(server: ViteDevServer, file: string): void {
    const labFile = file.startsWith(join(options.root, 'labs') + sep) && file.endsWith(`${sep}lab.json`);
    if (!file.startsWith(slidesDir + sep) && !labFile) return;
    const before = current;
    let after: LoadedDeck;
    try {
      after = load();
    } catch (error) {
      server.config.logger.error(`[deck] ${(error as Error).message}`);
      return;
    }
    const module = server.moduleGraph.getModuleById(RESOLVED_ID);
    if (module) server.moduleGraph.invalidateModule(module);
    for (const p of problemsOf(after)) server.config.logger.warn(`[deck] ${p.file}:${p.line}: ${p.message}`);
    if (!before || file.endsWith('deck.json') || labFile) {
      server.ws.send({ type: 'full-reload' });
      return;
    }
    const changed = changedSlides(before.deck, after.deck);
    if (changed.length === 0) return;
    const update: DeckUpdate = { ...toModule(after, labs, options.root), changed };
    server.ws.send(DECK_UPDATE_EVENT, update);
  }
}

/** A recording's path in the built deck: labs/recordings/x/y.cast ships as recordings/x/y.cast. */
function shippedPath(path: string): string {
  return path.slice(RECORDINGS_DIR.length - 'recordings'.length);
}

/** The file a dev-server request for a shipped recording path stands for, if it is one of the deck's. */
function recordingFile(
  root: string,
  loaded: LoadedDeck,
  labs: ReadonlyMap<string, LabCommands>,
  requested: string,
): string | undefined {
  const demo = deckDemos(loaded.deck, labs).find((d) => shippedPath(d.path) === requested);
  const file = demo && join(root, demo.path);
  return file && existsSync(file) ? file : undefined;
}

function toModule({ manifest, deck }: LoadedDeck, labs: ReadonlyMap<string, LabCommands>, root: string): DeckModule {
  const recordings = new Map<
    number,
    { recording: string; transcript?: Record<string, string>; transcriptColumns?: number }
  >();
  for (const demo of deckDemos(deck, labs)) {
    const file = join(root, demo.path);
    if (!existsSync(file)) continue;
    // An unreadable recording still ships (the pane says what is wrong with it); it just prints nothing.
    const text = readFileSync(file, 'utf8');
    const parsed = parseCast(text);
    const transcript = parsed.ok ? Object.fromEntries(castTranscript(parsed.cast)) : undefined;
    const transcriptColumns = castColumns(text);
    recordings.set(demo.slide, {
      recording: shippedPath(demo.path),
      ...(transcript ? { transcript } : {}),
      ...(transcriptColumns ? { transcriptColumns } : {}),
    });
  }
  return {
    title: manifest.title,
    source: deck.source,
    slides: deck.slides.map((slide, index) => {
      const { name, lab, exercise } = slide.properties;
      const commands = lab ? runnableCommands(slide, labs) : [];
      return {
        steps: slide.steps,
        ...(name ? { name } : {}),
        ...(lab ? { lab, commands } : {}),
        ...(lab && exercise
          ? { exercise, ...headingOf(slide.content), solution: solutionSteps(slideSolution(slide) ?? []) }
          : {}),
        ...recordings.get(index),
      };
    }),
  };
}

/** A slide's `## ` heading, without markdown emphasis, as `{ exerciseTitle }`; nothing when it has none. */
function headingOf(content: string): { exerciseTitle?: string } {
  const heading = /^## +(.+)$/m.exec(content)?.[1]?.replace(/[_*`]/g, '').trim();
  return heading ? { exerciseTitle: heading } : {};
}

/** Everything the built deck links to outside the bundle: all figures, plus files the slides link to. */
function filesToShip(root: string, { deck }: LoadedDeck): Set<string> {
  const files = new Set<string>();
  const imgDir = join(root, 'img');
  if (existsSync(imgDir)) {
    for (const name of readdirSync(imgDir)) {
      if (/\.(svg|png|jpe?g|webp|gif)$/i.test(name) && statSync(join(imgDir, name)).isFile()) files.add(`img/${name}`);
    }
  }
  for (const slide of deck.slides) {
    for (const { target } of localReferences(slide)) {
      const path = relative(root, join(root, decodeURI(target.split('#')[0] ?? '')));
      if (!path.startsWith('..') && existsSync(join(root, path))) files.add(path.split(sep).join('/'));
    }
  }
  return files;
}
