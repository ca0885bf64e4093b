/**
 * The student's choice (their own labs, or the presenter's) survives a reload: kept in localStorage,
 * which is per origin, port included, like the cookies (two servers on one machine do not mix).
 */
import type { LabsChoice } from './student-state.ts';

const KEY = 'cours-openstack.labs';

export function savedLabsChoice(): LabsChoice {
  try {
    return localStorage.getItem(KEY) === 'own' ? 'own' : 'presenter';
  } catch {
    // Storage refused (a private window's policy): the choice lasts as long as the page.
    return 'presenter';
  }
}

export function saveLabsChoice(choice: LabsChoice): void {
  try {
    localStorage.setItem(KEY, choice);
  } catch {
    // As above: nothing to keep it in.
  }
}
