import { describe, expect, it } from 'vitest';
import {
  allPassed,
  buttonOf,
  initialVerify,
  linesOf,
  reduceVerify,
  type VerifyState,
} from '../../src/client/exercise/verify-state.ts';

const fail = { check: 'exists', state: 'fail' as const, hint: 'Créez fait.txt.' };
const pass = { check: 'exists', state: 'pass' as const };

describe('« Vérifier », transition by transition', () => {
  it('runs once per press, then shows ✗ with the hint', () => {
    const running = reduceVerify(initialVerify, { type: 'press' });
    expect(running).toEqual({ phase: 'running' });
    expect(reduceVerify(running, { type: 'press' })).toBe(running);
    expect(buttonOf(running)).toEqual({ label: 'Vérification…', enabled: false });
    const done = reduceVerify(running, { type: 'verified', results: [fail] });
    expect(linesOf(done)).toEqual([{ mark: '✗', text: 'Créez fait.txt.' }]);
    expect(allPassed(done)).toBe(false);
    expect(buttonOf(done)).toEqual({ label: 'Vérifier de nouveau', enabled: true });
  });

  it('keeps the previous results on screen while checking again, then shows ✓', () => {
    const done: VerifyState = { phase: 'done', results: [fail] };
    const again = reduceVerify(done, { type: 'press' });
    expect(linesOf(again)).toEqual([{ mark: '✗', text: 'Créez fait.txt.' }]);
    const passed = reduceVerify(again, { type: 'verified', results: [pass] });
    expect(allPassed(passed)).toBe(true);
    expect(linesOf(passed)).toEqual([{ mark: '✓', text: 'Bravo : tout est vérifié.' }]);
  });

  it('says a timeout or an error as such, and a refusal with its hint', () => {
    const results = [{ check: 'slow', state: 'timeout' as const, message: 'pas de réponse en 20 s' }];
    expect(linesOf({ phase: 'done', results })).toEqual([{ mark: '!', text: 'slow : pas de réponse en 20 s' }]);
    const refused = reduceVerify(
      { phase: 'running' },
      { type: 'refused', message: 'Vérification déjà en cours.', hint: 'Attendez son résultat.' },
    );
    expect(linesOf(refused)).toEqual([{ mark: '!', text: 'Vérification déjà en cours. Attendez son résultat.' }]);
    // A stray answer or refusal changes nothing when nothing was asked.
    expect(reduceVerify(initialVerify, { type: 'verified', results: [pass] })).toBe(initialVerify);
    expect(reduceVerify(initialVerify, { type: 'refused', message: 'x' })).toBe(initialVerify);
  });

  it('needs a live lab: without one the button waits and says why; a drop mid-check is said', () => {
    const noLab = reduceVerify(initialVerify, { type: 'lab', lab: 'none' });
    expect(noLab).toEqual({ phase: 'no-lab', why: 'none' });
    expect(buttonOf(noLab).enabled).toBe(false);
    expect(linesOf(noLab)[0]?.text).toMatch(/lab en direct/);
    expect(reduceVerify(noLab, { type: 'press' })).toBe(noLab);
    expect(reduceVerify(noLab, { type: 'lab', lab: 'none' })).toBe(noLab);
    expect(reduceVerify(noLab, { type: 'lab', lab: 'ready' })).toEqual({ phase: 'idle' });
    expect(reduceVerify({ phase: 'running' }, { type: 'lab', lab: 'preparing' })).toMatchObject({
      phase: 'failed',
      message: expect.stringMatching(/interrompue/),
    });
    const done: VerifyState = { phase: 'done', results: [pass] };
    expect(reduceVerify(done, { type: 'lab', lab: 'none' })).toBe(done);
    expect(reduceVerify(done, { type: 'lab', lab: 'ready' })).toBe(done);
  });

  it('waits for the lab to be attached before it can be pressed, and says so', () => {
    const preparing = reduceVerify(initialVerify, { type: 'lab', lab: 'preparing' });
    expect(preparing).toEqual({ phase: 'no-lab', why: 'preparing' });
    expect(buttonOf(preparing)).toEqual({ label: 'Vérifier', enabled: false });
    expect(linesOf(preparing)).toEqual([{ mark: '…', text: expect.stringMatching(/Le lab se prépare/) }]);
    expect(reduceVerify(preparing, { type: 'press' })).toBe(preparing);
    const ready = reduceVerify(preparing, { type: 'lab', lab: 'ready' });
    expect(ready).toEqual({ phase: 'idle' });
    expect(buttonOf(ready)).toEqual({ label: 'Vérifier', enabled: true });
    // A failed check stays said until the lab goes; then the control says why it waits.
    const failed = reduceVerify(reduceVerify(ready, { type: 'press' }), { type: 'refused', message: 'Occupé.' });
    expect(reduceVerify(failed, { type: 'lab', lab: 'ready' })).toBe(failed);
    expect(reduceVerify(failed, { type: 'lab', lab: 'preparing' })).toEqual(preparing);
  });

  it('says a terminal watched read-only cannot be checked from this page', () => {
    const watched = reduceVerify(initialVerify, { type: 'lab', lab: 'read-only' });
    expect(buttonOf(watched).enabled).toBe(false);
    expect(linesOf(watched)[0]?.text).toMatch(/lecture seule/);
    expect(reduceVerify(watched, { type: 'lab', lab: 'preparing' })).toEqual({ phase: 'no-lab', why: 'preparing' });
  });
});
