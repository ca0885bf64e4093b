import { describe, expect, it } from 'vitest';
import { buildLabEnv, DEFAULT_PATH, labPath } from '../../src/server/env.ts';
import { parseLabDefinition } from '../../src/protocol/lab-definition.ts';

const lab = parseLabDefinition(
  {
    id: 'qemu',
    title: 'qemu',
    shell: ['bash'],
    env: { allow: ['LANG', 'TZ', 'ABSENT'], set: { PS1: '$ ', LANG: 'fr_FR.UTF-8' } },
  },
  'qemu',
  '/cours/labs/qemu',
  'labs/qemu/lab.json',
  [],
);

describe('the lab environment', () => {
  it('holds fixed variables, allowed server values and the lab’s own, nothing else', () => {
    const server = {
      LANG: 'C.UTF-8',
      TZ: 'Europe/Paris',
      OS_PASSWORD: 'secret',
      SSH_AUTH_SOCK: '/run/agent',
      PATH: '/root/.cargo/bin:/usr/bin',
    };
    const env = buildLabEnv(lab, { user: 'cours-lab', home: '/state/labs/qemu/main-1' }, server);
    expect(env).toEqual({
      PATH: DEFAULT_PATH,
      HOME: '/state/labs/qemu/main-1',
      USER: 'cours-lab',
      LOGNAME: 'cours-lab',
      SHELL: '/bin/bash',
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      LANG: 'fr_FR.UTF-8',
      TZ: 'Europe/Paris',
      PS1: '$ ',
      LAB_ID: 'qemu',
      LAB_DIR: '/cours/labs/qemu',
      LAB_STATE: '/state/labs/qemu/main-1',
    });
  });

  it('lets a lab choose its PATH, which readiness checks then use', () => {
    const withPath = parseLabDefinition(
      { id: 'x', title: 'x', shell: ['sh'], env: { set: { PATH: '/opt/x/bin:/usr/bin' } } },
      'x',
      '/x',
      'x',
      [],
    );
    expect(labPath(withPath, {})).toBe('/opt/x/bin:/usr/bin');
    expect(labPath(lab, { PATH: '/evil' })).toBe(DEFAULT_PATH);
  });
});
