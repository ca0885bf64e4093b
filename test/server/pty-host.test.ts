import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PTY_READ_MAX_BYTES } from '../../src/protocol/limits.ts';
import { PtyHost } from '../../src/server/pty-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'pty-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `script` in a real pty; resolves with every chunk of output, in order, once the shell exited. */
function run(script: string, onChunk?: (chunk: Buffer, host: PtyHost) => void): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    const host: PtyHost = new PtyHost(
      {
        file: 'bash',
        args: ['--noprofile', '--norc', '-c', script],
        cwd: dir,
        env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
        cols: 80,
        rows: 24,
        sandboxed: false,
      },
      {
        onData: (chunk) => {
          chunks.push(chunk);
          onChunk?.(chunk, host);
        },
        // node-pty may deliver the last output after the exit event (node-pty #72): the script sleeps first.
        onExit: () => {
          host.dispose();
          resolve(chunks);
        },
      },
    );
  });
}

describe('PtyHost', () => {
  it('hands a flood over in chunks bigger than one pty read, every byte in order', async () => {
    const file = join(dir, 'flood.b64');
    execFileSync('bash', ['-c', `head -c 3000000 /dev/urandom | base64 -w 76 > ${file}`]);
    // The pty turns each LF into CR LF (ONLCR).
    const expected = Buffer.from(readFileSync(file, 'latin1').replace(/\n/g, '\r\n'), 'latin1');
    let heldForTurn = false;
    // Checked once the chunk's handler returned, when the pty would have been paused for its turn.
    const chunks = await run(`cat ${file}; sleep 0.3`, (_chunk, host) =>
      queueMicrotask(() => (heldForTurn ||= host.paused)),
    );
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
    // One flood alone never waits for a later turn: its rate is the pty's.
    expect(heldForTurn).toBe(false);
    // One read of a pty gives at most 4095 bytes (the kernel's n_tty buffer): these were read together.
    expect(Math.max(...chunks.map((c) => c.length))).toBeGreaterThan(4095);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(PTY_READ_MAX_BYTES);
    expect(chunks.length).toBeLessThan(expected.length / 4095 / 2);
  });

  it('reads nothing more past a pause asked for during a chunk, and everything once resumed', async () => {
    const file = join(dir, 'paused.b64');
    execFileSync('bash', ['-c', `head -c 1000000 /dev/urandom | base64 -w 76 > ${file}`]);
    const expected = Buffer.from(readFileSync(file, 'latin1').replace(/\n/g, '\r\n'), 'latin1');
    let pausedChunks = 0;
    let paused = false;
    let pausedOnce = false;
    const chunks = await run(`cat ${file}; sleep 0.3`, (_chunk, host) => {
      if (paused) pausedChunks++;
      if (pausedOnce) return;
      pausedOnce = paused = true;
      host.setPaused('test', true);
      setTimeout(() => {
        paused = false;
        host.setPaused('test', false);
      }, 200);
    });
    expect(pausedChunks).toBe(0);
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
  });

  it('shares the event loop between floods, a few per turn, every byte of each in order', async () => {
    const floods = 6;
    const files = Array.from({ length: floods }, (_, i) => join(dir, `shared-${i}.b64`));
    for (const file of files) execFileSync('bash', ['-c', `head -c 600000 /dev/urandom | base64 -w 76 > ${file}`]);
    const expected = files.map((file) => Buffer.from(readFileSync(file, 'latin1').replace(/\n/g, '\r\n'), 'latin1'));
    let heldForTurn = 0;
    const outputs = await Promise.all(
      files.map((file) =>
        run(`cat ${file}; sleep 0.5`, (_chunk, host) =>
          queueMicrotask(() => {
            if (host.paused) heldForTurn++;
          }),
        ),
      ),
    );
    for (const [i, chunks] of outputs.entries()) expect(Buffer.concat(chunks).equals(expected[i] as Buffer)).toBe(true);
    // Past the turn's budget a flood waits for a later turn (and comes back: every byte arrived above).
    expect(heldForTurn).toBeGreaterThan(0);
  });
});
