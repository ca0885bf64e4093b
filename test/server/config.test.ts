import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, PROJECT_ROOT, resolveConfig } from '../../src/server/config.ts';
import { GRACE_MS, MAX_SESSIONS } from '../../src/protocol/limits.ts';
import { MAX_CLIENTS_PER_ADDRESS, PRESENTER_RESERVED_CLIENTS } from '../../src/server/server-limits.ts';

describe('resolveConfig', () => {
  it('defaults to loopback, port 8020 and the project’s directories, frozen', () => {
    const config = resolveConfig([], {});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8020,
      labsDir: join(PROJECT_ROOT, 'labs'),
      stateDir: join(PROJECT_ROOT, '.state'),
      distDir: join(PROJECT_ROOT, 'dist'),
      allowOrigins: [],
      audience: false,
      sandbox: 'auto',
      labUser: 'cours-lab',
      graceMs: GRACE_MS,
      maxSessions: MAX_SESSIONS,
      warnings: [],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads flags (both spellings) and the environment; flags win', () => {
    const config = resolveConfig(
      [
        '--port=0',
        '--labs',
        '/l',
        '--state',
        '/s',
        '--dist=/d',
        '--allow-origin',
        'http://192.168.1.10:8020',
        '--audience',
        '--grace',
        '1.5',
        '--sandbox',
        'none',
      ],
      { LAB_SERVER_PORT: '9000', LAB_SERVER_ALLOW_ORIGIN: 'https://cours.example' },
    );
    expect(config).toMatchObject({
      port: 0,
      labsDir: '/l',
      stateDir: '/s',
      distDir: '/d',
      allowOrigins: ['https://cours.example', 'http://192.168.1.10:8020'],
      audience: true,
      graceMs: 1500,
      sandbox: 'none',
    });
    expect(resolveConfig([], { LAB_SERVER_PORT: '9000' }).port).toBe(9000);
  });

  it('caps connections per address, and keeps --max-clients above the presenter’s reserve', () => {
    expect(resolveConfig([], {}).maxPerAddress).toBe(MAX_CLIENTS_PER_ADDRESS);
    expect(resolveConfig(['--max-per-address', '3'], {}).maxPerAddress).toBe(3);
    expect(() => resolveConfig(['--max-per-address', '0'], {})).toThrow(/--max-per-address/);
    expect(resolveConfig(['--max-clients', String(PRESENTER_RESERVED_CLIENTS + 1)], {}).maxClients).toBe(
      PRESENTER_RESERVED_CLIENTS + 1,
    );
    expect(() => resolveConfig(['--max-clients', String(PRESENTER_RESERVED_CLIENTS)], {})).toThrow(
      new RegExp(`--max-clients : entier entre ${PRESENTER_RESERVED_CLIENTS + 1}`),
    );
  });

  it('warns when listening beyond loopback', () => {
    expect(resolveConfig(['--host', '0.0.0.0'], {}).warnings[0]).toContain('joignable depuis le réseau');
    expect(resolveConfig(['--host', '127.0.0.2'], {}).warnings).toEqual([]);
  });

  it('names the bad flag', () => {
    const bad: Record<string, string[]> = {
      '--port': ['--port', '70000'],
      '--porte': ['--porte', '1'],
      '--allow-origin': ['--allow-origin', 'http://x.example/path'],
      '--grace': ['--grace', '-1'],
      '--sandbox': ['--sandbox', 'docker'],
      '--labs': ['--labs'],
      inattendu: ['extra'],
      '--audience': ['--audience=yes'],
      plusieurs: ['--port', '1', '--port', '2'],
      '--host': ['--host', 'a b'],
    };
    for (const [name, argv] of Object.entries(bad)) {
      expect(() => resolveConfig(argv, {}), name).toThrow(ConfigError);
      expect(() => resolveConfig(argv, {}), name).toThrow(name);
    }
  });
});
