/** The I/O side of the deck: reads slides/deck.json and the chapter files it names. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDeck, type Deck } from './parse.ts';
import { DeckError, parseManifest, type DeckManifest } from './manifest.ts';

export interface LoadedDeck {
  readonly manifest: DeckManifest;
  readonly deck: Deck;
}

export function loadDeck(slidesDir: string): LoadedDeck {
  const manifestPath = join(slidesDir, 'deck.json');
  const manifest = parseManifest(readText(manifestPath, 'slides/deck.json'), 'slides/deck.json');
  const chapters = manifest.chapters.map((file) => ({ file, text: readText(join(slidesDir, file), `slides/${file}`) }));
  return { manifest, deck: parseDeck(chapters) };
}

function readText(path: string, shown: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new DeckError(shown, 0, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
