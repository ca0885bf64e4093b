import { describe, expect, it } from 'vitest';
import { frenchSpacing } from '../../src/client/typography.ts';

describe('frenchSpacing', () => {
  it('puts a narrow no-break space before high punctuation', () => {
    expect(frenchSpacing('Sources : docs ; oui ! non ?')).toBe('Sources\u202f: docs\u202f; oui\u202f! non\u202f?');
  });

  it('binds guillemets to their words', () => {
    expect(frenchSpacing('« privé »')).toBe('«\u00a0privé\u202f»');
  });

  it('leaves URLs and text without spaces alone', () => {
    expect(frenchSpacing('http://docs.openstack.org a:b')).toBe('http://docs.openstack.org a:b');
  });
});
