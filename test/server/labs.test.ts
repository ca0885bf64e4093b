import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabDefinitionError, parseLabDefinition } from '../../src/protocol/lab-definition.ts';
import { cachedReadiness, checkReadiness, loadLabs, readinessReason } from '../../src/server/labs.ts';
import { DEFAULT_PATH } from '../../src/server/env.ts';
import { FIXTURE_LABS, ROOT } from '../helpers/lab-server.ts';

const BROKEN = join(FIXTURE_LABS, 'broken');

describe('lab definitions', () => {
  it('loads every labs/<id>/lab.json, and only those', () => {
    const { labs, warnings } = loadLabs(FIXTURE_LABS);
    expect([...labs.keys()]).toEqual([
      'busy',
      'early-exit',
      'missing-tool',
      'not-ready',
      'owned',
      'setup-fails',
      'shell',
      'staged',
    ]);
    expect(warnings).toEqual([]);
    const shell = labs.get('shell');
    expect(shell).toMatchObject({
      id: 'shell',
      shell: ['bash', '--noprofile', '--norc', '-i'],
      cwd: 'state',
      tools: ['bash'],
      commands: { hello: 'echo run-$((40 + 2))' },
      dir: join(FIXTURE_LABS, 'shell'),
    });
    expect(Object.isFrozen(shell)).toBe(true);
  });

  it('loads the project’s own shell lab', () => {
    const shell = loadLabs(join(ROOT, 'labs')).labs.get('shell');
    expect(shell?.env.set['PS1']).toContain('élève');
    expect(shell && checkReadiness(shell, DEFAULT_PATH)).toEqual({ ready: true });
  });

  it('stops on a broken definition, naming the file and the field', () => {
    const expectations: Record<string, RegExp> = {
      'bad-json': /bad-json\/lab\/lab\.json : JSON invalide/,
      'wrong-id': /wrong-id\/lab\/lab\.json : champ « id » : doit être le nom du dossier/,
      'bad-allow': /bad-allow\/lab\/lab\.json : champ « env\.allow\[1\] »/,
      'bad-command': /bad-command\/lab\/lab\.json : champ « commands\.efface »/,
      'empty-shell': /empty-shell\/lab\/lab\.json : champ « shell »/,
    };
    for (const [name, message] of Object.entries(expectations)) {
      expect(() => loadLabs(join(BROKEN, name)), name).toThrow(LabDefinitionError);
      expect(() => loadLabs(join(BROKEN, name)), name).toThrow(message);
    }
  });

  it('warns about fields it does not know yet, and uses defaults for the optional ones', () => {
    const warnings: string[] = [];
    const lab = parseLabDefinition(
      { id: 'x', title: ' X ', shell: ['sh'], readiness: 'probe' },
      'x',
      '/labs/x',
      'labs/x/lab.json',
      warnings,
    );
    expect(warnings).toEqual(['labs/x/lab.json : champ « readiness » inconnu de cette version, ignoré']);
    expect(lab).toMatchObject({ title: 'X', cwd: 'state', env: { allow: [], set: {} }, tools: [], commands: {} });
  });

  it('is ready only when the shell and every tool are on the lab’s PATH', () => {
    const lab = loadLabs(FIXTURE_LABS).labs.get('missing-tool');
    expect(lab).toBeDefined();
    if (!lab) return;
    const readiness = checkReadiness(lab, DEFAULT_PATH);
    expect(readiness).toEqual({
      ready: false,
      code: 'LAB_TOOL_MISSING',
      missing: 'qemu-img-absent-for-tests',
      message: 'qemu-img-absent-for-tests manquant',
      hint: 'lancez npm run setup',
    });
    expect(readinessReason(readiness)).toBe('qemu-img-absent-for-tests manquant : lancez npm run setup');
    expect(checkReadiness({ ...lab, tools: [] }, '/nonexistent')).toMatchObject({ ready: false, missing: 'bash' });
  });

  it('asks the lab’s ready script, and reports its last line when it says no', () => {
    const { labs } = loadLabs(FIXTURE_LABS);
    const notReady = labs.get('not-ready');
    const staged = labs.get('staged');
    if (!notReady || !staged) throw new Error('fixture labs missing');
    expect(checkReadiness(notReady, DEFAULT_PATH)).toMatchObject({
      ready: false,
      code: 'LAB_NOT_READY',
      message: 'VM du lab non construite : lancez sudo npm run setup',
    });
    expect(checkReadiness(staged, DEFAULT_PATH)).toEqual({ ready: true });
  });

  it('remembers a readiness answer for a while, then asks again', () => {
    let calls = 0;
    const lab = loadLabs(FIXTURE_LABS).labs.get('shell');
    if (!lab) throw new Error('fixture lab missing');
    const cached = cachedReadiness(() => (calls++, { ready: true }), 60_000);
    cached(lab);
    cached(lab);
    expect(calls).toBe(1);
    const uncached = cachedReadiness(() => (calls++, { ready: true }), 0);
    uncached(lab);
    uncached(lab);
    expect(calls).toBe(3);
  });

  it('accepts the project’s qemu and libvirt labs, each with a ready and a setup script', () => {
    const { labs, warnings } = loadLabs(join(ROOT, 'labs'));
    expect(warnings).toEqual([]);
    for (const id of ['qemu', 'libvirt']) {
      expect(labs.get(id), id).toMatchObject({ ready: 'ready', setup: 'setup' });
      expect(Object.keys(labs.get(id)?.commands ?? {}).length, id).toBeGreaterThan(4);
    }
  });
});
