/**
 * The small form that joins a hands-on class: a display name and « Rejoindre ». A refusal (name taken,
 * class full…) is shown under the field with its hint, and what was typed stays there to be corrected.
 * Keys typed here stop at the form: remark listens on the whole page (`p` would open the presenter view).
 */
import { MAX_NAME_LENGTH } from '../../protocol/classroom.ts';
import type { JoinForm } from './student-state.ts';

export interface JoinFormActions {
  join(name: string): void;
  cancel(): void;
}

let formCount = 0;

export class JoinFormView {
  readonly element: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly submit: HTMLButtonElement;
  private readonly error: HTMLElement;
  private shown = false;

  constructor(actions: JoinFormActions) {
    const id = `join-name-${++formCount}`;
    this.element = document.createElement('form');
    this.element.className = 'join-form';
    this.element.hidden = true;
    this.element.setAttribute('aria-label', 'Rejoindre la classe avec son propre lab');
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = 'Votre nom (le présentateur le verra)';
    this.input = document.createElement('input');
    this.input.id = id;
    this.input.name = 'name';
    this.input.type = 'text';
    this.input.autocomplete = 'name';
    this.input.maxLength = MAX_NAME_LENGTH;
    this.input.required = true;
    this.error = document.createElement('p');
    this.error.className = 'join-error';
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;
    this.input.setAttribute('aria-describedby', `${id}-error`);
    this.error.id = `${id}-error`;
    this.submit = button('Rejoindre', 'Rejoindre la classe : vos terminaux deviennent votre propre lab', 'submit');
    const cancel = button('Annuler', 'Continuer à suivre le présentateur', 'button');
    cancel.addEventListener('click', () => actions.cancel());
    const row = document.createElement('div');
    row.className = 'join-row';
    row.append(this.input, this.submit, cancel);
    this.element.append(label, row, this.error);
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      actions.join(this.input.value);
    });
    for (const type of ['keydown', 'keypress', 'keyup'] as const) {
      this.element.addEventListener(type, (event) => {
        event.stopPropagation();
        if (type === 'keydown' && event.key === 'Escape') actions.cancel();
      });
    }
    this.element.addEventListener('click', (event) => event.stopPropagation());
  }

  render(form: JoinForm | undefined): void {
    const opening = form !== undefined && !this.shown;
    this.shown = form !== undefined;
    this.element.hidden = form === undefined;
    this.submit.disabled = form?.pending === true;
    this.submit.textContent = form?.pending ? 'Connexion…' : 'Rejoindre';
    const error = form?.error;
    this.error.hidden = error === undefined;
    this.error.textContent = '';
    if (error) {
      const message = document.createElement('strong');
      message.textContent = error.message;
      this.error.append(message);
      if (error.hint) this.error.append(document.createElement('br'), error.hint);
      this.input.setAttribute('aria-invalid', 'true');
    } else {
      this.input.removeAttribute('aria-invalid');
    }
    if (opening || error) this.input.focus();
  }
}

function button(text: string, title: string, type: 'submit' | 'button'): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = type;
  element.textContent = text;
  element.title = title;
  return element;
}
