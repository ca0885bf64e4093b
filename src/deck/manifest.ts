/** slides/deck.json: the deck's title and the order of its chapter files. Checked once when loaded. */
import { array, integer, object, pathText, refine, string, withMessage, type Infer } from '../protocol/schema.ts';

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

// The deck's build messages are in English, like every other problem the deck reports (check.ts): the
// schema's words are replaced field by field.
const manifest = withMessage(
  object(
    {
      title: string('must be a non-empty string', (title) => title.trim() !== ''),
      /** Slides in the 2016 course, kept so a test can prove the port lost none. */
      courseSlides: integer(1, Number.MAX_SAFE_INTEGER, 'must be a positive integer'),
      chapters: refine(
        withMessage(
          array(
            string('is not a markdown file name in slides/', (file) => CHAPTER_FILE.test(file)),
            { min: 1 },
          ),
          'must be a non-empty array',
        ),
        (chapters) =>
          new Set(chapters).size === chapters.length ? undefined : { path: [], expected: 'lists a file twice' },
      ),
    },
    // Unknown fields have always been let through here (and left out of the result).
    { unknown: 'ignore' },
  ),
  'expected an object',
);
export type DeckManifest = Infer<typeof manifest>;

export function parseManifest(text: string, file = 'slides/deck.json'): DeckManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DeckError(file, 0, `not valid JSON (${(error as Error).message})`);
  }
  const checked = manifest.check(value);
  if (!checked.ok) {
    const { path, expected } = checked.problem;
    throw new DeckError(file, 0, path.length === 0 ? expected : `"${pathText(path)}" ${expected}`);
  }
  return checked.value;
}
