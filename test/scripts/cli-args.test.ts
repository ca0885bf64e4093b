/**
 * The command lines of scripts/ and bench/ (scripts/lib/cli-args.ts over node:util parseArgs): each flag
 * still read, and every mistake refused in French with the usage line, before any server or browser starts.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../scripts/lib/cli-args.ts';

const ROOT = join(import.meta.dirname, '..', '..');

const LINE = {
  program: 'labs:check',
  usage: 'npm run labs:check -- [--labs DOSSIER] [lab...]',
  options: { labs: { type: 'string' }, quiet: { type: 'boolean' } },
  positionals: 2,
  expects: { labs: 'un dossier de labs' },
} as const;

function refusal(argv: string[]): string {
  const result = parseCommandLine(LINE, argv);
  if (result.ok) throw new Error(`accepted: ${argv.join(' ')}`);
  return result.message;
}

describe('parseCommandLine', () => {
  it('reads flags in both spellings, and the arguments around them', () => {
    const result = parseCommandLine(LINE, ['qemu', '--labs', 'x', '--quiet', 'cloud']);
    expect(result).toMatchObject({
      ok: true,
      args: { values: { labs: 'x', quiet: true }, positionals: ['qemu', 'cloud'] },
    });
    expect(parseCommandLine(LINE, ['--labs=y'])).toMatchObject({
      ok: true,
      args: { values: { labs: 'y' }, positionals: [] },
    });
  });

  it('refuses, in French and with the usage, an unknown flag, a missing value, a value too many, an argument too many', () => {
    const usage = '\nusage : npm run labs:check -- [--labs DOSSIER] [lab...]';
    expect(refusal(['--nope'])).toBe(`labs:check : option inconnue : --nope${usage}`);
    expect(refusal(['-x'])).toBe(`labs:check : option inconnue : -x${usage}`);
    expect(refusal(['--labs'])).toBe(`labs:check : --labs attend un dossier de labs${usage}`);
    expect(refusal(['--labs', '--quiet'])).toBe(`labs:check : --labs attend un dossier de labs${usage}`);
    expect(refusal(['--quiet=1'])).toBe(`labs:check : --quiet ne prend pas de valeur${usage}`);
    expect(refusal(['a', 'b', 'c'])).toBe(`labs:check : argument(s) en trop : c${usage}`);
  });

  it('takes no argument without a flag unless told', () => {
    const result = parseCommandLine({ program: 'p', usage: 'p', options: {} }, ['stray']);
    expect(result).toEqual({ ok: false, message: 'p : argument(s) en trop : stray\nusage : p' });
  });
});

function run(script: string, ...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the scripts refuse a wrong command line with status 2, before doing anything', () => {
  it('labs:check, record, pdf, bench and contact-sheet', () => {
    expect(run('scripts/labs-check.ts', '--lab', 'x')).toEqual({
      status: 2,
      output:
        'labs:check : option inconnue : --lab\nusage : npm run labs:check -- [--labs DOSSIER] [--toutes] [--jusqua ID] [lab...]\n',
    });
    expect(run('scripts/record.ts', '--all')).toMatchObject({
      status: 2,
      output: expect.stringContaining('record : option inconnue : --all'),
    });
    expect(run('scripts/pdf.ts', '--dist')).toMatchObject({
      status: 2,
      output: expect.stringContaining(
        'pdf : --dist attend un dossier, celui où `vite build --outDir DOSSIER` a construit le diaporama',
      ),
    });
    expect(run('scripts/pdf.ts', 'a.pdf', 'b.pdf')).toMatchObject({
      status: 2,
      output: expect.stringContaining('pdf : argument(s) en trop : b.pdf'),
    });
    expect(run('bench/run.ts', '--rounds', '0')).toMatchObject({
      status: 2,
      output: expect.stringContaining('bench : --rounds attend un entier positif, pas « 0 »'),
    });
    expect(run('bench/run.ts', '--only', 'echo,nope')).toMatchObject({
      status: 2,
      output: expect.stringContaining('bench : --only attend une liste parmi stream, echo'),
    });
    expect(run('bench/run.ts', '--round', '2')).toMatchObject({
      status: 2,
      output: expect.stringContaining('bench : option inconnue : --round'),
    });
    expect(run('scripts/contact-sheet.ts', '--width=abc')).toMatchObject({
      status: 2,
      output: expect.stringContaining('contact-sheet : --width attend une largeur en pixels'),
    });
  }, 120_000);
});
