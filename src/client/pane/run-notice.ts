/**
 * The notice a pane shows when the server did not type a ▶ (a program holds the terminal, or the VM a
 * command is meant for is not running): what holds it and how to leave it, « Envoyer quand même » that
 * sends the run again with `force`, and × to close it. Renders a RunNotice of the pane's model, nothing else.
 * It lies over the top of the terminal rather than above it: taking height from the terminal would make the
 * pane fit its font again, which during a flood delayed the notice by 130-440 ms (bench/README.md).
 */
import { paneButton } from './pane-button.ts';
import type { RunNotice } from './pane-state.ts';

export interface RunNoticeActions {
  readonly force: (commandId: string) => void;
  readonly dismiss: () => void;
}

export class RunNoticeView {
  /**
   * What the channel puts just before the terminal (lab-channel.ts): a box of no height, so the terminal
   * keeps its size, from which the notice hangs over the terminal's first rows (theme/pane.css).
   */
  readonly element: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly text: HTMLElement;
  private shown: RunNotice | undefined;

  constructor(actions: RunNoticeActions) {
    this.element = document.createElement('div');
    this.element.className = 'lab-pane-notice-anchor';
    this.notice = document.createElement('div');
    this.notice.className = 'lab-pane-notice';
    this.notice.setAttribute('role', 'alert');
    this.notice.hidden = true;
    this.text = document.createElement('span');
    this.text.className = 'lab-pane-notice-text';
    const force = paneButton(
      'Envoyer quand même',
      'Taper la commande dans le terminal malgré tout',
      () => this.shown && actions.force(this.shown.commandId),
    );
    force.classList.add('lab-pane-notice-force');
    const close = paneButton('×', 'Fermer ce message', actions.dismiss);
    close.classList.add('lab-pane-notice-close');
    this.notice.append(this.text, force, close);
    this.element.append(this.notice);
  }

  render(notice: RunNotice | undefined): void {
    if (notice === this.shown) return;
    this.shown = notice;
    // textContent: the text quotes lab.json and the server, never HTML.
    this.text.textContent = notice?.text ?? '';
    this.notice.hidden = notice === undefined;
  }
}
