/**
 * The « Vérifier » control of an exercise slide: a button and the results, under the statement. It only
 * renders VerifyState (verify-state.ts); the lab channel does the talking (verify / verified).
 */
import '../theme/exercise.css';
import { buttonOf, initialVerify, linesOf, reduceVerify, type VerifyEvent, type VerifyState } from './verify-state.ts';

const CONTROL_CLASS = 'verify-control';

export class VerifyControl {
  readonly element: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly list: HTMLElement;
  private state: VerifyState = initialVerify;

  constructor(
    readonly exercise: string,
    private readonly press: () => boolean,
  ) {
    this.element = document.createElement('div');
    this.element.className = CONTROL_CLASS;
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.className = 'verify-button';
    this.button.title = 'Vérifier dans votre lab ce que demande l’exercice';
    this.button.addEventListener('click', (event) => {
      event.stopPropagation();
      if (!buttonOf(this.state).enabled) return;
      this.dispatch({ type: 'press' });
      if (!this.press())
        this.dispatch({
          type: 'refused',
          message: 'Le lab n’est pas prêt : la vérification n’est pas partie.',
          hint: 'Attendez que le terminal soit en direct.',
        });
    });
    this.button.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') event.stopPropagation();
    });
    this.list = document.createElement('ul');
    this.list.className = 'verify-results';
    this.list.setAttribute('aria-live', 'polite');
    this.element.append(this.button, this.list);
    this.render();
  }

  dispatch(event: VerifyEvent): void {
    const next = reduceVerify(this.state, event);
    if (next === this.state) return;
    this.state = next;
    this.render();
  }

  private render(): void {
    const { label, enabled } = buttonOf(this.state);
    this.button.textContent = label;
    this.button.disabled = !enabled;
    this.element.dataset['phase'] = this.state.phase;
    this.list.replaceChildren(
      ...linesOf(this.state).map(({ mark, text }) => {
        const item = document.createElement('li');
        item.dataset['mark'] = mark;
        const sign = document.createElement('span');
        sign.className = 'verify-mark';
        sign.textContent = mark;
        item.append(sign, ` ${text}`);
        return item;
      }),
    );
  }
}

/** The control of `content` (the slide's text column), made once and kept across visits of the slide. */
export function verifyControlIn(content: HTMLElement, exercise: string, press: () => boolean): VerifyControl {
  const existing = controls.get(content);
  if (existing?.exercise === exercise) return existing;
  existing?.element.remove();
  const control = new VerifyControl(exercise, press);
  // Under the statement, in the text column: appended to the slide itself it would take a row of the
  // demo grid of its own, and the pane beside it would lose that height (its font with it).
  (content.querySelector(':scope > .lab-text') ?? content).append(control.element);
  controls.set(content, control);
  return control;
}

const controls = new WeakMap<HTMLElement, VerifyControl>();
