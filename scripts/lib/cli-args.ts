/**
 * The command lines of our scripts and of the bench, read by node:util's parseArgs (strict: an unknown flag,
 * a flag without its value or an argument too many is an error) with its errors said in French, with the
 * usage line as the hint. `readCommandLine` prints that and exits 2, as a shell command does.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CommandLine {
  /** The program's name in messages (`labs:check`, `pdf`). */
  readonly program: string;
  /** One line: how to call it. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** How many arguments without a flag it takes (none by default). */
  readonly positionals?: number;
  /** What each flag that takes a value expects, for « --dist attend … » (default « une valeur »). */
  readonly expects?: Readonly<Record<string, string>>;
}

export type Parsed<O extends CommandLine['options']> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>;

export type ParseResult<O extends CommandLine['options']> =
  { readonly ok: true; readonly args: Parsed<O> } | { readonly ok: false; readonly message: string };

/** parseArgs's error, whose message is English and made for developers, in French for whoever typed the command. */
function frenchError(error: { code?: unknown; message: string }, line: CommandLine): string {
  const flag = /'(-{1,2}[^' =<]+)/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `option inconnue : ${flag}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (error.message.includes('does not take an argument')) return `${flag} ne prend pas de valeur`;
      return `${flag} attend ${line.expects?.[flag.replace(/^-+/, '')] ?? 'une valeur'}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `argument inattendu : ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}`;
    default:
      return error.message;
  }
}

export function parseCommandLine<O extends CommandLine['options']>(
  line: CommandLine & { readonly options: O },
  argv: readonly string[],
): ParseResult<O> {
  let args: Parsed<O>;
  try {
    args = parseArgs({ args: [...argv], options: line.options, allowPositionals: true, strict: true });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return {
      ok: false,
      message: `${line.program} : ${frenchError(error as TypeError & { code?: unknown }, line)}\nusage : ${line.usage}`,
    };
  }
  const allowed = line.positionals ?? 0;
  if (args.positionals.length > allowed) {
    const extra = args.positionals.slice(allowed).join(' ');
    return { ok: false, message: `${line.program} : argument(s) en trop : ${extra}\nusage : ${line.usage}` };
  }
  return { ok: true, args };
}

/** The parsed command line, or its error on stderr and exit status 2. */
export function readCommandLine<O extends CommandLine['options']>(
  line: CommandLine & { readonly options: O },
  argv = process.argv.slice(2),
): Parsed<O> {
  const result = parseCommandLine(line, argv);
  if (result.ok) return result.args;
  console.error(result.message);
  process.exit(2);
}
