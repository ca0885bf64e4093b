/**
 * The presenter's view of a hands-on class: a « Classe (n) » button, bottom left, opens a side panel
 * with one row per student (connected or not, their slide, their labs, their last command and how it
 * ended). Clicking a student (then a lab, if they have several) opens their terminal read-only beside
 * the presenter's own pane; the student's pane says it is watched. « Terminer la classe » asks first.
 * Above the students, « Exercices »: one row per exercise slide of the deck, how many have it right, and
 * each stuck student as a button that opens their terminal of that exercise's lab, read-only.
 * The model is class-panel-state.ts; this file renders it and owns the watched pane and the clock.
 */
import { studentRoom } from '../../protocol/classroom.ts';
import type { LabConnection } from '../connection.ts';
import { LabChannel } from '../pane/lab-channel.ts';
import {
  classButtonText,
  classExerciseRows,
  INITIAL_CLASS_PANEL,
  reduceClassPanel,
  studentRow,
  type ClassPanelEvent,
  type ClassPanelModel,
  type Watch,
} from './class-panel-state.ts';
import type { DeckExercise, ExerciseRow } from './exercise-progress.ts';

/**
 * How often the panel looks at the clock: « aucune tentative depuis 5 min » may show up to this late, which
 * is nothing next to STUCK_AFTER_MS; a roster (any student's move) brings the time too.
 */
const TICK_MS = 15_000;

export class ClassPanel {
  private model: ClassPanelModel = INITIAL_CLASS_PANEL;
  private readonly button: HTMLButtonElement;
  private readonly panel: HTMLElement;
  private readonly list: HTMLElement;
  private readonly exercisesSection: HTMLElement;
  private readonly exerciseList: HTMLElement;
  private readonly footer: HTMLElement;
  private readonly clock: ReturnType<typeof setInterval>;
  private watch: { readonly key: string; readonly channel: LabChannel; readonly dock: HTMLElement } | undefined;

  constructor(
    private readonly connection: LabConnection,
    private readonly labTitle: (lab: string) => string,
    /** The number remark shows for a slide index (steps not counted). */
    private readonly slideNumber: (index: number) => number,
    /** The deck's exercise slides, in deck order (read at each render: the deck may be hot-reloaded). */
    private readonly exercises: () => readonly DeckExercise[],
  ) {
    this.button = button('', 'Ouvrir la liste des élèves de la classe', () => this.dispatch({ type: 'toggle' }));
    this.button.className = 'class-button';
    this.button.setAttribute('aria-controls', 'class-panel');
    this.panel = document.createElement('aside');
    this.panel.className = 'class-panel';
    this.panel.id = 'class-panel';
    this.panel.setAttribute('aria-label', 'Classe');
    this.panel.hidden = true;
    const header = document.createElement('header');
    const title = document.createElement('h2');
    title.textContent = 'Classe';
    header.append(
      title,
      button('✕', 'Fermer la liste des élèves', () => this.dispatch({ type: 'close' })),
    );
    this.exerciseList = document.createElement('ul');
    this.exerciseList.className = 'exercise-list';
    this.exercisesSection = section('Exercices', this.exerciseList);
    this.list = document.createElement('ul');
    this.list.className = 'class-list';
    const body = document.createElement('div');
    body.className = 'class-body';
    body.append(this.exercisesSection, section('Élèves', this.list));
    this.footer = document.createElement('footer');
    this.panel.append(header, body, this.footer);
    // Keys in the panel are the panel's: remark must not change slide under the presenter's fingers.
    this.panel.addEventListener('keydown', (event) => {
      event.stopPropagation();
      if (event.key === 'Escape') this.dispatch({ type: 'close' });
    });
    document.body.append(this.button, this.panel);
    connection.onClass = (students) => this.dispatch({ type: 'roster', students, now: Date.now() });
    this.clock = setInterval(() => this.dispatch({ type: 'tick', now: Date.now() }), TICK_MS);
    this.render();
  }

  dispose(): void {
    clearInterval(this.clock);
    this.connection.onClass = undefined;
    this.syncWatch(undefined);
    this.button.remove();
    this.panel.remove();
  }

  private dispatch(event: ClassPanelEvent): void {
    const before = this.model;
    this.model = reduceClassPanel(before, event);
    if (event.type === 'confirm-end' && before.confirmingEnd) this.connection.send({ type: 'end-class' });
    if (this.model === before) return;
    this.render();
    this.syncWatch(this.model.watching);
  }

  private render(): void {
    const model = this.model;
    this.button.textContent = classButtonText(model);
    this.button.setAttribute('aria-expanded', String(model.open));
    this.panel.hidden = !model.open;
    // Rebuilt at each roster (a few times a second at most): keep the keyboard where it was.
    const focused = (document.activeElement as HTMLElement | null)?.dataset['focusKey'];
    const exercises = classExerciseRows(model, this.exercises());
    // Nobody to count yet: the students' empty-list message says what to do.
    this.exercisesSection.hidden = exercises.length === 0 || model.students.length === 0;
    this.exerciseList.replaceChildren(...exercises.map((row) => this.exerciseRow(row)));
    this.list.replaceChildren(...model.students.map((student) => this.row(student.id)));
    if (model.students.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'class-empty';
      empty.textContent =
        'Aucun élève pour l’instant : ils rejoignent la classe depuis l’adresse du public, avec « Mon propre lab ».';
      this.list.append(empty);
    }
    this.renderFooter();
    if (focused) this.panel.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
  }

  private row(id: string): HTMLElement {
    const student = this.model.students.find((s) => s.id === id);
    const item = document.createElement('li');
    if (!student) return item;
    const row = studentRow(student, this.model, this.slideNumber);
    item.className = 'class-row';
    item.dataset['student'] = row.id;
    item.dataset['connected'] = String(row.connected);
    const open = button(
      '',
      row.watchable ? `Voir le terminal de ${row.name} (lecture seule)` : `${row.name} n’a aucun lab ouvert`,
      () => this.dispatch({ type: 'pick', id }),
    );
    open.className = 'class-student';
    open.disabled = !row.watchable;
    open.dataset['focusKey'] = `student-${id}`;
    if (row.watched) open.setAttribute('aria-current', 'true');
    open.append(
      span('class-name', row.name),
      span('class-status', row.status),
      span('class-slide', row.slide),
      span('class-labs', row.labs),
      span('class-command', row.command),
      span('class-result', row.result, row.outcome),
    );
    item.append(open);
    if (this.model.choosing === id) {
      const labs = document.createElement('div');
      labs.className = 'class-labs-choice';
      labs.setAttribute('role', 'group');
      labs.setAttribute('aria-label', `Labs de ${row.name}`);
      for (const lab of student.labs) {
        const choice = button(
          this.labTitle(lab),
          `Voir le lab ${this.labTitle(lab)} de ${row.name} (lecture seule)`,
          () => this.dispatch({ type: 'pick-lab', id, lab }),
        );
        choice.dataset['lab'] = lab;
        choice.dataset['focusKey'] = `lab-${id}-${lab}`;
        labs.append(choice);
      }
      item.append(labs);
    }
    return item;
  }

  private exerciseRow(row: ExerciseRow): HTMLElement {
    const item = document.createElement('li');
    item.className = 'exercise-row';
    item.dataset['exercise'] = row.key;
    item.dataset['complete'] = String(row.total > 0 && row.done === row.total);
    const head = document.createElement('div');
    head.className = 'exercise-head';
    head.append(
      span('exercise-name', row.title),
      span('exercise-count', row.count),
      span('exercise-where', `${row.exercise} · ${this.labTitle(row.lab)} · ${row.slide}`),
    );
    item.append(head);
    if (row.stuck.length === 0) return item;
    const stuck = document.createElement('div');
    stuck.className = 'exercise-stuck';
    stuck.setAttribute('role', 'group');
    stuck.setAttribute('aria-label', `Élèves bloqués sur ${row.title}`);
    for (const student of row.stuck) {
      const title = student.watchable
        ? `Voir le terminal ${this.labTitle(row.lab)} de ${student.name} (lecture seule)`
        : `${student.name} n’a pas de session du lab ${this.labTitle(row.lab)}`;
      const open = button('', title, () => this.dispatch({ type: 'pick-lab', id: student.id, lab: row.lab }));
      open.className = 'exercise-stuck-student';
      open.disabled = !student.watchable;
      open.dataset['student'] = student.id;
      open.dataset['reason'] = student.reason;
      open.dataset['focusKey'] = `stuck-${row.key}-${student.id}`;
      open.append(span('class-name', student.name), span('exercise-stuck-why', student.text));
      stuck.append(open);
    }
    item.append(stuck);
    return item;
  }

  private renderFooter(): void {
    if (this.model.confirmingEnd) {
      const question = document.createElement('p');
      question.setAttribute('role', 'alert');
      question.textContent = 'Terminer la classe ? Les labs, fichiers et projets de tous les élèves seront effacés.';
      const confirm = button('Terminer', 'Terminer la classe maintenant', () => this.dispatch({ type: 'confirm-end' }));
      confirm.className = 'class-end-confirm';
      confirm.dataset['focusKey'] = 'end-confirm';
      const cancel = button('Annuler', 'Garder la classe', () => this.dispatch({ type: 'cancel-end' }));
      this.footer.replaceChildren(question, confirm, cancel);
      if (!this.footer.contains(document.activeElement)) confirm.focus();
      return;
    }
    const end = button(
      'Terminer la classe',
      'Terminer la classe : efface les labs de tous les élèves (une confirmation suit)',
      () => this.dispatch({ type: 'ask-end' }),
    );
    end.className = 'class-end';
    end.dataset['focusKey'] = 'end';
    end.disabled = this.model.students.length === 0;
    this.footer.replaceChildren(end);
  }

  /** Opens, moves or closes the read-only pane of the watched student to match the model. */
  private syncWatch(watching: Watch | undefined): void {
    const key = watching && `${watching.id}/${watching.lab}`;
    if (this.watch?.key === key) return;
    if (this.watch) {
      this.watch.channel.dispose();
      this.watch.dock.remove();
      this.watch = undefined;
    }
    if (!watching || key === undefined) return;
    const dock = document.createElement('div');
    dock.className = 'watch-dock';
    dock.setAttribute('aria-label', `Terminal de ${watching.name}, lecture seule`);
    document.body.append(dock);
    const title = `${watching.name} — ${this.labTitle(watching.lab)} (lecture seule)`;
    const channel = new LabChannel(watching.lab, title, this.connection, 'view', {
      room: () => studentRoom(watching.id),
      onClose: () => this.dispatch({ type: 'close-watch' }),
    });
    channel.pane.element.classList.add('watch-pane');
    channel.pane.mount(dock);
    channel.open();
    this.watch = { key, channel, dock };
  }
}

function button(text: string, title: string, action: () => void): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = text;
  element.title = title;
  element.addEventListener('click', (event) => {
    event.stopPropagation();
    action();
  });
  return element;
}

function section(title: string, list: HTMLElement): HTMLElement {
  const element = document.createElement('section');
  element.setAttribute('aria-label', title);
  const heading = document.createElement('h3');
  heading.textContent = title;
  element.append(heading, list);
  return element;
}

function span(className: string, text: string, outcome?: string): HTMLElement {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  if (outcome) element.dataset['outcome'] = outcome;
  return element;
}
