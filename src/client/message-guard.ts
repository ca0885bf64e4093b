/**
 * remark syncs the presenter and its cloned window with `postMessage('gotoSlide:N', '*')` and accepts those
 * messages from any origin. Drop foreign-origin messages before remark sees them, so another page cannot
 * drive the deck (security rule 7).
 */
export function guardMessages(target: Window = window): void {
  target.addEventListener(
    'message',
    (event) => {
      if (event.origin !== target.location.origin) event.stopImmediatePropagation();
    },
    { capture: true },
  );
}
