import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../src/server/scrub.ts';

describe('scrubSecrets', () => {
  it('hides passwords and tokens in variables, flags, configs and headers', () => {
    expect(scrubSecrets('export OS_PASSWORD=s3cret OS_USERNAME=demo')).toBe(
      'export OS_PASSWORD=******** OS_USERNAME=demo',
    );
    expect(scrubSecrets('OS_PASSWORD="with quotes"x')).not.toContain('quotes');
    expect(scrubSecrets('ADMIN_PASSWORD=abc; OS_TOKEN=xyz')).toBe('ADMIN_PASSWORD=********; OS_TOKEN=********');
    expect(scrubSecrets('openstack --os-password hunter2 token issue')).toBe(
      'openstack --os-password ******** token issue',
    );
    expect(scrubSecrets('      password: devstack')).toBe('      password: ********');
    expect(scrubSecrets('X-Auth-Token: abcdef123')).toBe('X-Auth-Token: ********');
  });

  it('hides Keystone tokens wherever they are printed, and leaves ordinary output alone', () => {
    const fernet = `gAAAAABl${'x'.repeat(150)}`;
    expect(scrubSecrets(`| id         | ${fernet} |`)).toBe('| id         | ******** |');
    const serverRow = '| id | 6f1c0e1a-3c2b-4d5e-9f00-1a2b3c4d5e6f |';
    expect(scrubSecrets(serverRow)).toBe(serverRow);
    const plain = "Formatting '/tmp/img.qcow2', fmt=qcow2 cluster_size=65536 size=6442450944";
    expect(scrubSecrets(plain)).toBe(plain);
  });
});
