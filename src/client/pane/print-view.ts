/**
 * The print view of a demo slide (the browser's print, `npm run pdf`): the terminal cannot print, so the
 * slot shows each command of the slide with what it printed in the recording, as text, one element per
 * printed row. print-layout.ts decides the rows and the sizes, print.css applies them.
 *
 * The transcript's column widens in print so its font stays legible, but the slide's text comes first: when
 * print starts (the moment remark rescales its slides too), each column is narrowed until the text beside
 * it fits again, and its rows are folded for the width it kept.
 */
import type { DeckSlideInfo } from '../../protocol/deck-update.ts';
import {
  MONO_ADVANCE,
  PRINT_CONTINUED,
  PRINT_FONT_MAX_PX,
  PRINT_FONT_MIN_PX,
  PRINT_LINE_HEIGHT,
  PRINT_PAD_X_PX,
  PRINT_PAD_Y_PX,
  PRINT_SLACK_COLS,
  PRINT_SLOT_MAX_PX,
  printLayout,
  type PrintLayout,
} from './print-layout.ts';

/** The width asciinema records at when a recording says nothing else (its default terminal). */
const DEFAULT_COLS = 80;
/** How much the column gives back to the text at each try: a few characters of the transcript. */
const NARROW_STEP_PX = 20;

interface PrintSource {
  readonly commands: NonNullable<DeckSlideInfo['commands']>;
  readonly transcript: NonNullable<DeckSlideInfo['transcript']>;
  readonly cols: number;
}

const sources = new WeakMap<HTMLElement, PrintSource>();
const printMedia = window.matchMedia('print');
let watching = false;

export function addPrintView(slot: HTMLElement, slide: DeckSlideInfo | undefined): void {
  slot.querySelector(':scope > .lab-print')?.remove();
  slot.parentElement?.style.removeProperty('--print-slot');
  const transcript = slide?.transcript;
  // An exercise slide runs no command of its own: its recording is its solution, typed.
  const commands = slide?.commands?.length ? slide.commands : slide?.solution;
  if (!commands || !transcript) return;
  const source: PrintSource = { commands, transcript, cols: slide?.transcriptColumns ?? DEFAULT_COLS };
  const view = document.createElement('div');
  view.className = 'lab-print';
  sources.set(view, source);
  render(view, slot, printLayout(source.commands, source.transcript, source.cols));
  slot.append(view);
  if (!watching) {
    watching = true;
    printMedia.addEventListener('change', (event) => {
      if (event.matches) fitAllBesideText();
    });
  }
  if (printMedia.matches) fitBesideText(view, source);
}

function render(view: HTMLElement, slot: HTMLElement, layout: PrintLayout): void {
  const sizes: Record<string, string> = {
    '--print-row-em': String((layout.cols + PRINT_SLACK_COLS) * MONO_ADVANCE),
    '--print-rows': String(layout.rows.length),
    '--print-font-min': `${PRINT_FONT_MIN_PX}px`,
    '--print-font-max': `${PRINT_FONT_MAX_PX}px`,
    '--print-pad-x': `${PRINT_PAD_X_PX}px`,
    '--print-pad-y': `${PRINT_PAD_Y_PX}px`,
    '--print-line': String(PRINT_LINE_HEIGHT),
  };
  for (const [name, value] of Object.entries(sizes)) view.style.setProperty(name, value);
  // The grid that sizes the column is the slide's content, the slot's parent.
  slot.parentElement?.style.setProperty('--print-slot', `${layout.slotPx}px`);
  const pre = document.createElement('pre');
  for (const row of layout.rows) {
    const line = document.createElement('span');
    line.className = `lab-print-line lab-print-${row.kind}`;
    if (row.continued) {
      const mark = document.createElement('span');
      mark.className = 'lab-print-mark';
      mark.textContent = PRINT_CONTINUED;
      line.append(mark, row.text.slice(PRINT_CONTINUED.length));
    } else {
      line.textContent = row.text;
    }
    pre.append(line);
  }
  view.replaceChildren(pre);
}

function fitAllBesideText(): void {
  for (const view of document.querySelectorAll<HTMLElement>('.lab-print')) {
    const source = sources.get(view);
    if (source) fitBesideText(view, source);
  }
}

function textOverflows(text: Element | null): boolean {
  return text !== null && text.scrollHeight > text.clientHeight + 1;
}

/** In print layout: gives the slide's text the room it needs, then folds the transcript for what is left. */
function fitBesideText(view: HTMLElement, source: PrintSource): void {
  const slot = view.parentElement;
  const content = slot?.parentElement;
  if (!slot || !content) return;
  const text = content.querySelector(':scope > .lab-text');
  const widest = printLayout(source.commands, source.transcript, source.cols);
  render(view, slot, widest);
  let px = widest.slotPx;
  while (px > 0 && textOverflows(text)) {
    px = Math.max(0, px - NARROW_STEP_PX);
    content.style.setProperty('--print-slot', `${px}px`);
  }
  if (px < widest.slotPx)
    render(
      view,
      slot,
      printLayout(source.commands, source.transcript, source.cols, Math.min(slot.clientWidth, PRINT_SLOT_MAX_PX)),
    );
}
