// The commands a lab cannot run on this machine as it is now (its check-needs script): labs:check lists them
// with the reason and leaves them out, never silently; --toutes runs them anyway. The cloud lab's own
// script leaves out its network demos outside the libvirt mode with the real Neutron agents.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNeeds } from '../../scripts/labs-check-needs.ts';
import { labsCheck, ROOT } from '../helpers/labs-check.ts';

describe('commands a lab leaves to another machine', () => {
  it('reads ID<tab>reason lines, and refuses an unknown command or a line without a reason', () => {
    expect([...parseNeeds('a\tla raison\n\nb\tautre\n', ['a', 'b', 'c'])]).toEqual([
      ['a', 'la raison'],
      ['b', 'autre'],
    ]);
    expect(() => parseNeeds('z\traison\n', ['a'])).toThrow(/« z » n'est pas une commande du lab/);
    expect(() => parseNeeds('a\n', ['a'])).toThrow(/pas de raison pour a/);
  });

  it('are listed by labs:check with their reason and left out; --toutes runs them', () => {
    const fixtures = join(ROOT, 'test', 'fixtures', 'labs-needs');
    const left = labsCheck('--labs', fixtures);
    expect(left.output).toContain('✓ needy/here');
    expect(left.output).toContain('⤳ needy/elsewhere : laissée de côté (une autre machine)');
    expect(left.output).toContain('labs:check : 1 commande(s) laissée(s) de côté sur cette machine :');
    expect(left.output).toContain('les autres commandes des démos passent');
    expect(left.status).toBe(0);
    const all = labsCheck('--labs', fixtures, '--toutes');
    expect(all.output).toMatch(/✗ needy\/elsewhere: exit status 127/);
    expect(all.status).toBe(1);
  }, 120_000);

  it('stop after the command --jusqua names, without checking exercises, and refuse an unknown one', () => {
    const fixtures = join(ROOT, 'test', 'fixtures', 'labs-needs');
    const until = labsCheck('--labs', fixtures, '--toutes', '--jusqua', 'here');
    expect(until.output).toContain('✓ needy/here');
    expect(until.output).toContain("(--jusqua here : la suite de needy n'est pas vérifiée)");
    expect(until.output).not.toContain('needy/elsewhere');
    expect(until.output).toContain('exercices non vérifiés (--jusqua here)');
    expect(until.status).toBe(0);
    const unknown = labsCheck('--labs', fixtures, '--jusqua', 'nope', 'needy');
    expect(unknown.output).toContain("✗ needy: --jusqua nope n'est pas une commande de ce lab");
    expect(unknown.status).toBe(1);
  }, 120_000);
});

describe('the cloud lab’s check-needs', () => {
  const state = mkdtempSync(join(tmpdir(), 'cloud-needs-'));
  afterAll(() => rmSync(state, { recursive: true, force: true }));
  const needs = (files: Record<string, string>): string => {
    rmSync(state, { recursive: true, force: true });
    mkdirSync(join(state, 'network'), { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(state, name), text);
    const result = spawnSync(join(ROOT, 'labs', 'cloud', 'check-needs'), [], {
      encoding: 'utf8',
      env: { ...process.env, LAB_CLOUD_STATE: state },
    });
    expect(result.status).toBe(0);
    return result.stdout;
  };

  it('leaves the network demos to the libvirt mode, says why, and nothing once the agents are real', () => {
    const fake = needs({ compute: 'fake\n', 'network/dataplane': 'fake\n' });
    const ids = fake.trim().split('\n').map((line) => line.split('\t')[0]);
    expect(ids).toEqual(expect.arrayContaining(['ssh-password', 'ping-fip', 'ssh-key', 'metadata-curl', 'ip-netns']));
    expect(fake).toContain('\tmode libvirt du cloud');
    expect(needs({ compute: 'libvirt qemu\n', 'network/dataplane': 'fake\n' })).toContain('\tagents Neutron factices');
    expect(needs({ compute: 'libvirt qemu\n', 'network/dataplane': 'real\n' })).toBe('');
    // every id it names is a command of the cloud lab
    const lab = JSON.parse(readFileSync(join(ROOT, 'labs', 'cloud', 'lab.json'), 'utf8')) as {
      commands: Record<string, unknown>;
    };
    expect(() => parseNeeds(fake, Object.keys(lab.commands))).not.toThrow();
  });
});
