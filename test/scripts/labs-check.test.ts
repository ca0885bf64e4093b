import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labsCheck, ROOT } from '../helpers/labs-check.ts';

describe('npm run labs:check', () => {
  it('fails on the first bad command of a lab, naming the lab, the command and what the terminal showed', () => {
    const { status, output } = labsCheck('--labs', join(ROOT, 'test', 'fixtures', 'labs-check'));
    expect(status).toBe(1);
    expect(output).toContain('✓ failing/fine');
    expect(output).toMatch(/✗ failing\/wrong-output: the output does not match attendu/);
    expect(output).toContain('commande : echo autre-chose');
    expect(output).toContain('| autre-chose');
    expect(output).toContain('1 échec(s)');
  });

  it('passes when every command does what its check says, and refuses an unknown lab', () => {
    const fixtures = join(ROOT, 'test', 'fixtures', 'labs');
    expect(labsCheck('--labs', fixtures, 'shell')).toMatchObject({
      status: 0,
      output: expect.stringContaining('✓ shell/hello'),
    });
    expect(labsCheck('--labs', fixtures, 'nope')).toMatchObject({
      status: 1,
      output: expect.stringContaining('lab(s) inconnu(s) : nope'),
    });
  });
});
