/**
 * package.json pins exactly the packages whose internals the code reads (src/server/screen.ts reads
 * @xterm/headless's; node-pty's native module is built for one version), at the version installed from
 * package-lock.json, so that `npm install` never moves them under the tests that guard those internals.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

interface Manifest {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

const read = (path: string): Manifest => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Manifest;

describe('package.json', () => {
  const manifest = read('package.json');
  const dependencies = manifest.dependencies ?? {};

  it('pins @xterm/* and node-pty to the exact version in node_modules', () => {
    const pinned = Object.keys(dependencies).filter((name) => name.startsWith('@xterm/') || name === 'node-pty');
    expect(pinned.length).toBeGreaterThanOrEqual(6);
    for (const name of pinned)
      expect(`${name}@${dependencies[name]}`).toBe(`${name}@${read(`node_modules/${name}/package.json`).version}`);
  });

  it('keeps type packages out of the runtime dependencies', () => {
    expect(Object.keys(dependencies).filter((name) => name.startsWith('@types/'))).toEqual([]);
    expect(manifest.devDependencies?.['@types/qrcode']).toBeDefined();
  });
});
