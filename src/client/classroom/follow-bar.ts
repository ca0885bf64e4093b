/**
 * The audience's control, bottom left: following the presenter's slides, or browsing with a button to
 * catch up. In a hands-on class it also offers « Suivre le présentateur » / « Mon propre lab » (whose
 * labs the panes show), the join form, the student's name, and the notice when the class ends. It only
 * renders the StudentModel (student-state.ts); follow.ts decides.
 */
import { ERRORS } from '../../protocol/errors.ts';
import { JoinFormView } from './join-form.ts';
import { barLabel, followsPresenter, offersOwnLabs, type LabsChoice, type StudentModel } from './student-state.ts';

/** Following the presenter's slide, or browsing the deck at one's own pace. */
export type FollowMode = 'follow' | 'browse';

export interface FollowBarActions {
  /** Follow ⇄ browse (« Naviguer librement » / « Rattraper »). */
  toggleFollow(): void;
  choose(labs: LabsChoice): void;
  join(name: string): void;
  cancel(): void;
  dismissEnded(): void;
}

export class FollowBar {
  private readonly element: HTMLElement;
  private readonly label: HTMLElement;
  private readonly followButton: HTMLButtonElement;
  private readonly choice: HTMLElement;
  private readonly presenterButton: HTMLButtonElement;
  private readonly ownButton: HTMLButtonElement;
  private readonly name: HTMLElement;
  private readonly form: JoinFormView;
  private readonly ended: HTMLElement;

  constructor(actions: FollowBarActions) {
    this.element = document.createElement('div');
    this.element.className = 'follow-bar';
    this.label = document.createElement('span');
    this.label.className = 'follow-label';
    this.followButton = barButton('', '', () => actions.toggleFollow());
    this.followButton.classList.add('follow-toggle');
    this.choice = document.createElement('span');
    this.choice.className = 'labs-choice';
    this.choice.setAttribute('role', 'group');
    this.choice.setAttribute('aria-label', 'Terminaux des démonstrations');
    this.presenterButton = barButton(
      'Suivre le présentateur',
      'Les terminaux montrent ceux du présentateur, en lecture seule',
      () => actions.choose('presenter'),
    );
    this.ownButton = barButton(
      'Mon propre lab',
      'Les terminaux deviennent votre propre lab : lancez les démonstrations vous-même',
      () => actions.choose('own'),
    );
    this.choice.append(this.presenterButton, this.ownButton);
    this.name = document.createElement('span');
    this.name.className = 'student-name';
    this.element.append(this.label, this.followButton, this.choice, this.name);
    this.form = new JoinFormView({ join: (name) => actions.join(name), cancel: () => actions.cancel() });
    this.ended = document.createElement('div');
    this.ended.className = 'class-ended';
    this.ended.setAttribute('role', 'alert');
    this.ended.hidden = true;
    const endedText = document.createElement('span');
    endedText.textContent = ERRORS.CLASS_ENDED.message;
    const endedOk = barButton('Compris', 'Fermer ce message', () => actions.dismissEnded());
    this.ended.append(endedText, endedOk);
    document.body.append(this.element, this.form.element, this.ended);
  }

  render(model: StudentModel, mode: FollowMode): void {
    const follows = followsPresenter(model);
    const browsing = follows && mode === 'browse';
    this.element.dataset['mode'] = follows ? mode : 'own';
    this.label.textContent = barLabel(model, browsing);
    this.followButton.hidden = !follows;
    this.followButton.textContent = mode === 'follow' ? 'Naviguer librement' : 'Rattraper';
    this.followButton.title =
      mode === 'follow'
        ? 'Ne plus suivre : parcourir les diapositives à son rythme'
        : 'Revenir à la diapositive du présentateur et la suivre';
    this.choice.hidden = !offersOwnLabs(model);
    const own = model.labs === 'own' && model.role === 'student';
    this.presenterButton.setAttribute('aria-pressed', String(!own));
    this.ownButton.setAttribute('aria-pressed', String(own));
    this.name.hidden = model.student === undefined;
    this.name.textContent = model.student ? `Élève : ${model.student.name}` : '';
    this.name.title = model.student ? `Vous êtes « ${model.student.name} » dans la classe` : '';
    this.form.render(model.form);
    this.ended.hidden = !model.ended;
  }
}

function barButton(text: string, title: string, action: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = text;
  button.title = title;
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    action();
  });
  // Enter and space belong to the button, not to remark's slide navigation.
  button.addEventListener('keydown', (event) => event.stopPropagation());
  return button;
}
