/**
 * Our recordings and asciinema's (Debian's asciinema package, installed by scripts/setup.sh) are the
 * same format: asciinema plays ours, and ours reads what `asciinema rec` writes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCast } from '../../src/protocol/asciicast.ts';

const RECORDINGS = join(import.meta.dirname, '..', '..', 'labs', 'recordings');

function asciinema(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('asciinema', args, { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error)
    throw new Error(`asciinema cannot run (${result.error.message}): bash scripts/setup.sh installs it`);
  return result;
}

describe('asciinema interoperability', () => {
  const casts = readdirSync(RECORDINGS, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.cast'));

  it('asciinema plays every recording of the deck to the end', () => {
    expect(casts.length).toBeGreaterThanOrEqual(4);
    for (const cast of casts) {
      const path = join(RECORDINGS, cast);
      const played = asciinema(['play', '--speed', '50', '--idle-time-limit', '0.05', path]);
      expect(played.status, `${cast}: ${played.stderr}`).toBe(0);
      const parsed = parseCast(readFileSync(path, 'utf8'));
      if (!parsed.ok) throw new Error(`${cast}: ${parsed.message}`);
      const last = parsed.cast.events.filter((e) => e.code === 'o').at(-1)?.data ?? '';
      // The prompt's visible end, as the recording's last output writes it.
      expect(played.stdout, cast).toContain(last.slice(-3));
    }
  });

  it('reads what `asciinema rec` records, header environment and all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asciinema-'));
    try {
      const file = join(dir, 'rec.cast');
      const recorded = asciinema(['rec', '--quiet', '--command', "printf 'bonjour \\033[1mgras\\033[0m\\n'", file]);
      expect(recorded.status, recorded.stderr).toBe(0);
      const parsed = parseCast(readFileSync(file, 'utf8'));
      if (!parsed.ok) throw new Error(parsed.message);
      expect(parsed.cast.header).toMatchObject({ version: 2, width: expect.any(Number), height: expect.any(Number) });
      expect(parsed.cast.events.map((e) => e.data).join('')).toContain('bonjour \u001b[1mgras\u001b[0m');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
