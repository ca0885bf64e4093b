/**
 * « Vérifier » on an exercise slide, as a pure function of (state, event): what the control shows is
 * derived from it only, and each transition is unit-tested (test/client/verify-state.test.ts).
 */
import type { CheckResult } from '../../protocol/messages.ts';
import type { LabReadiness } from '../pane/pane-state.ts';

/**
 * - idle: never pressed on this slide (or pressed again after a result: the result stays until the new one);
 * - running: sent, waiting for `verified`;
 * - done: the results, check by check;
 * - failed: the server refused (its French message), or the connection dropped meanwhile;
 * - no-lab: no lab to check in behind the pane, and why: a replay (the static deck), a lab still being
 *   attached, or a terminal this page only watches. The button waits; it is pressed only when it can run.
 */
export type VerifyState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'running'; readonly previous?: readonly CheckResult[] }
  | { readonly phase: 'done'; readonly results: readonly CheckResult[] }
  | { readonly phase: 'failed'; readonly message: string; readonly hint?: string }
  | { readonly phase: 'no-lab'; readonly why: Exclude<LabReadiness, 'ready'> };

export type VerifyEvent =
  | { readonly type: 'press' }
  | { readonly type: 'verified'; readonly results: readonly CheckResult[] }
  | { readonly type: 'refused'; readonly message: string; readonly hint?: string }
  /** What the pane says of its lab (pane-state.ts readiness), at first and at each change. */
  | { readonly type: 'lab'; readonly lab: LabReadiness };

export const initialVerify: VerifyState = { phase: 'idle' };

export function reduceVerify(state: VerifyState, event: VerifyEvent): VerifyState {
  switch (event.type) {
    case 'press':
      if (state.phase === 'running' || state.phase === 'no-lab') return state;
      return state.phase === 'done' ? { phase: 'running', previous: state.results } : { phase: 'running' };
    case 'verified':
      return state.phase === 'running' ? { phase: 'done', results: event.results } : state;
    case 'refused':
      return state.phase === 'running'
        ? { phase: 'failed', message: event.message, ...(event.hint === undefined ? {} : { hint: event.hint }) }
        : state;
    case 'lab':
      if (event.lab === 'ready') return state.phase === 'no-lab' ? { phase: 'idle' } : state;
      if (state.phase === 'running')
        return {
          phase: 'failed',
          message: 'La connexion au lab s’est interrompue pendant la vérification.',
          hint: 'Vérifiez de nouveau quand le terminal est revenu.',
        };
      // Results stay on screen: the button is pressed again once the lab is back.
      if (state.phase === 'done') return state;
      return state.phase === 'no-lab' && state.why === event.lab ? state : { phase: 'no-lab', why: event.lab };
  }
}

/** Every check passed. */
export function allPassed(state: VerifyState): boolean {
  return state.phase === 'done' && state.results.length > 0 && state.results.every((r) => r.state === 'pass');
}

/** The button's label and whether it can be pressed. */
export function buttonOf(state: VerifyState): { readonly label: string; readonly enabled: boolean } {
  if (state.phase === 'running') return { label: 'Vérification…', enabled: false };
  if (state.phase === 'no-lab') return { label: 'Vérifier', enabled: false };
  return { label: state.phase === 'idle' ? 'Vérifier' : 'Vérifier de nouveau', enabled: true };
}

const NO_LAB_LINE = {
  none: {
    mark: '!',
    text: 'Les vérifications ont besoin d’un lab en direct : ouvrez le diaporama depuis le serveur du cours (le vôtre ou celui de l’école).',
  },
  preparing: { mark: '…', text: 'Le lab se prépare : « Vérifier » sera possible dès que son terminal sera prêt.' },
  'read-only': {
    mark: '!',
    text: 'Ce terminal est en lecture seule ici : les vérifications se font dans un lab où vous avez la main.',
  },
} as const;

/** One line per check, as the pane's space shows them. */
export function linesOf(
  state: VerifyState,
): readonly { readonly mark: '✓' | '✗' | '…' | '!'; readonly text: string }[] {
  if (state.phase === 'no-lab') return [NO_LAB_LINE[state.why]];
  if (state.phase === 'failed')
    return [{ mark: '!', text: state.hint === undefined ? state.message : `${state.message} ${state.hint}` }];
  const results = state.phase === 'done' ? state.results : state.phase === 'running' ? (state.previous ?? []) : [];
  if (state.phase === 'done' && allPassed(state)) return [{ mark: '✓', text: 'Bravo : tout est vérifié.' }];
  return results.map((r) => {
    if (r.state === 'pass') return { mark: '✓', text: r.check };
    if (r.state === 'fail') return { mark: '✗', text: r.hint ?? r.check };
    return {
      mark: '!',
      text: `${r.check} : ${r.message ?? (r.state === 'timeout' ? 'délai dépassé' : 'vérification impossible')}`,
    };
  });
}
