/**
 * The print view of a demo slide (the browser's print, `npm run pdf`): the terminal cannot print, so the
 * slot shows each command of the slide with what it printed in the recording, as text.
 */
import type { DeckSlideInfo } from '../../protocol/deck-update.ts';

export function addPrintView(slot: HTMLElement, slide: DeckSlideInfo | undefined): void {
  slot.querySelector(':scope > .lab-print')?.remove();
  const transcript = slide?.transcript;
  if (!slide?.commands || !transcript) return;
  const view = document.createElement('div');
  view.className = 'lab-print';
  const pre = document.createElement('pre');
  for (const command of slide.commands) {
    const line = document.createElement('span');
    line.className = 'lab-print-command';
    line.textContent = `$ ${command.text}\n`;
    const output = transcript[command.id];
    pre.append(line, output ? `${output}\n` : '');
  }
  view.append(pre);
  slot.append(view);
}
