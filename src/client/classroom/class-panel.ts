/**
 * The presenter's view of a hands-on class: a « Classe (n) » button, bottom left, opens a side panel
 * with one row per student (connected or not, their slide, their labs, their last command and how it
 * ended). Clicking a student (then a lab, if they have several) opens their terminal read-only beside
 * the presenter's own pane; the student's pane says it is watched. « Terminer la classe » asks first.
 * The model is class-panel-state.ts; this file renders it and owns the watched pane.
 */
import { studentRoom } from '../../protocol/classroom.ts';
import type { LabConnection } from '../connection.ts';
import { LabChannel } from '../pane/lab-channel.ts';
import { classButtonText, INITIAL_CLASS_PANEL, reduceClassPanel, studentRow, type ClassPanelEvent, type ClassPanelModel, type Watch } from './class-panel-state.ts';

export class ClassPanel {
  private model: ClassPanelModel = INITIAL_CLASS_PANEL;
  private readonly button: HTMLButtonElement;
  private readonly panel: HTMLElement;
  private readonly list: HTMLElement;
  private readonly footer: HTMLElement;
  private watch: { readonly key: string; readonly channel: LabChannel; readonly dock: HTMLElement } | undefined;

  constructor(
    private readonly connection: LabConnection,
    private readonly labTitle: (lab: string) => string,
    /** The number remark shows for a slide index (steps not counted). */
    private readonly slideNumber: (index: number) => number,
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
    header.append(title, button('✕', 'Fermer la liste des élèves', () => this.dispatch({ type: 'close' })));
    this.list = document.createElement('ul');
    this.list.className = 'class-list';
    this.footer = document.createElement('footer');
    this.panel.append(header, this.list, this.footer);
    // Keys in the panel are the panel's: remark must not change slide under the presenter's fingers.
    this.panel.addEventListener('keydown', (event) => {
      event.stopPropagation();
      if (event.key === 'Escape') this.dispatch({ type: 'close' });
    });
    document.body.append(this.button, this.panel);
    connection.onClass = (students) => this.dispatch({ type: 'roster', students });
    this.render();
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
    this.list.replaceChildren(...model.students.map((student) => this.row(student.id)));
    if (model.students.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'class-empty';
      empty.textContent = 'Aucun élève pour l’instant : ils rejoignent la classe depuis l’adresse du public, avec « Mon propre lab ».';
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
    const open = button('', row.watchable ? `Voir le terminal de ${row.name} (lecture seule)` : `${row.name} n’a aucun lab ouvert`, () =>
      this.dispatch({ type: 'pick', id }),
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
        const choice = button(this.labTitle(lab), `Voir le lab ${this.labTitle(lab)} de ${row.name} (lecture seule)`, () => this.dispatch({ type: 'pick-lab', id, lab }));
        choice.dataset['lab'] = lab;
        choice.dataset['focusKey'] = `lab-${id}-${lab}`;
        labs.append(choice);
      }
      item.append(labs);
    }
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
    const end = button('Terminer la classe', 'Terminer la classe : efface les labs de tous les élèves (une confirmation suit)', () => this.dispatch({ type: 'ask-end' }));
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

function span(className: string, text: string, outcome?: string): HTMLElement {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  if (outcome) element.dataset['outcome'] = outcome;
  return element;
}
