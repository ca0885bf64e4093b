import { describe, expect, it } from 'vitest';
import { joinClass, parseJoinAnswer } from '../../src/client/classroom/join.ts';

describe('the join answer', () => {
  it('reads what the server answers, and nothing of another shape', () => {
    expect(parseJoinAnswer({ ok: true, student: { id: 'a1', name: 'Alice' } })).toEqual({
      ok: true,
      student: { id: 'a1', name: 'Alice' },
    });
    expect(parseJoinAnswer({ ok: false, code: 'NAME_TAKEN', message: 'Pris.', hint: 'Un chiffre.' })).toEqual({
      ok: false,
      code: 'NAME_TAKEN',
      message: 'Pris.',
      hint: 'Un chiffre.',
    });
    expect(parseJoinAnswer({ ok: false, code: 'CLASS_FULL', message: 'Complète.' })).toEqual({
      ok: false,
      code: 'CLASS_FULL',
      message: 'Complète.',
    });
    for (const bad of [
      null,
      'ok',
      { ok: true },
      { ok: true, student: { id: 'a1' } },
      { ok: false, message: 'x' },
      { ok: 'yes', code: 'A', message: 'b' },
    ]) {
      expect(parseJoinAnswer(bad)).toBeUndefined();
    }
  });

  it('refuses a name the server would refuse without asking it', async () => {
    // No server runs here: an answer other than NAME_INVALID would mean a request was made.
    expect(await joinClass('   ')).toMatchObject({ ok: false, code: 'NAME_INVALID', message: 'Indiquez un nom.' });
    expect(await joinClass('<b>x</b>')).toMatchObject({ ok: false, code: 'NAME_INVALID' });
  });
});
