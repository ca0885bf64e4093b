/**
 * What an idle lab server loads: xterm's headless terminal and its serializer only when the first screen
 * is made, qrcode only for a classroom (main.ts), the hands-on class's modules only with --hands-on. In
 * a fresh Node process, since this one has them loaded by other tests.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** Imports the lab server's modules in a new process, then runs `then`; returns the CommonJS modules loaded at each step. */
function loadedModules(then: string): { readonly idle: string[]; readonly after: string[] } {
  const script = `
    import { createRequire } from 'node:module';
    const cache = createRequire(import.meta.url).cache;
    const loaded = () => Object.keys(cache).filter((k) => k.includes('node_modules')).map((k) => k.replace(/.*node_modules\\//, ''));
    await import('./src/server/lab-server.ts');
    const screen = await import('./src/server/screen.ts');
    const idle = loaded();
    ${then}
    console.log(JSON.stringify({ idle, after: loaded() }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { idle: string[]; after: string[] };
}

describe('modules of an idle lab server', () => {
  it('loads xterm headless and its serializer with the first screen, qrcode never', () => {
    const { idle, after } = loadedModules(`
      const parse = screen.parseScheduler();
      const s = new screen.Screen(80, 24, parse, () => undefined);
      s.write(Buffer.from('bonjour'));
      if (!s.snapshot().data.includes('bonjour')) throw new Error('snapshot');
      s.dispose();
      parse.dispose();
    `);
    const named = (list: readonly string[], name: string): boolean => list.some((m) => m.startsWith(`${name}/`));
    expect(named(idle, 'ws')).toBe(true);
    expect(named(idle, '@xterm/headless')).toBe(false);
    expect(named(idle, '@xterm/addon-serialize')).toBe(false);
    expect(named(idle, 'qrcode')).toBe(false);
    expect(named(after, '@xterm/headless')).toBe(true);
    expect(named(after, '@xterm/addon-serialize')).toBe(true);
  });
});
