/** slides/deck.json: the deck's title and the order of its chapter files. Checked once when loaded. */
export interface DeckManifest {
  readonly title: string;
  /** Slides in the 2016 course, kept so a test can prove the port lost none. */
  readonly courseSlides: number;
  readonly chapters: readonly string[];
}

export class DeckError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${message}`);
    this.name = 'DeckError';
  }
}

const CHAPTER_FILE = /^[\w-]+\.md$/;

export function parseManifest(text: string, file = 'slides/deck.json'): DeckManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DeckError(file, 0, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null) throw new DeckError(file, 0, 'expected an object');
  const { title, courseSlides, chapters } = value as Record<string, unknown>;
  if (typeof title !== 'string' || title.trim() === '') throw new DeckError(file, 0, '"title" must be a non-empty string');
  if (typeof courseSlides !== 'number' || !Number.isInteger(courseSlides) || courseSlides < 1) {
    throw new DeckError(file, 0, '"courseSlides" must be a positive integer');
  }
  if (!Array.isArray(chapters) || chapters.length === 0) throw new DeckError(file, 0, '"chapters" must be a non-empty array');
  for (const chapter of chapters) {
    if (typeof chapter !== 'string' || !CHAPTER_FILE.test(chapter)) {
      throw new DeckError(file, 0, `"chapters" entry ${JSON.stringify(chapter)} is not a markdown file name in slides/`);
    }
  }
  if (new Set(chapters).size !== chapters.length) throw new DeckError(file, 0, '"chapters" lists a file twice');
  return Object.freeze({ title, courseSlides, chapters: Object.freeze([...(chapters as string[])]) });
}
