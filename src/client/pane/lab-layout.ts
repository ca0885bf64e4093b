/**
 * Two columns for demo slides: the slide's text on the left, a slot on the right that receives the lab's
 * pane when the slide shows. remark renders every slide up front (and again on hot reload), so this runs
 * over the rendered DOM each time.
 */
import type { Slideshow } from '../remark.ts';

export interface LabSlot {
  readonly index: number;
  readonly lab: string;
  readonly slot: HTMLElement;
  readonly content: HTMLElement;
}

export function layoutLabSlides(slideshow: Slideshow, root: ParentNode = document): Map<number, LabSlot> {
  const containers = root.querySelectorAll<HTMLElement>('.remark-slides-area > .remark-slide-container');
  const slots = new Map<number, LabSlot>();
  slideshow.getSlides().forEach((slide, index) => {
    const lab = slide.properties['lab'];
    const content = containers[index]?.querySelector<HTMLElement>('.remark-slide-content');
    if (!lab || !content) return;
    slots.set(index, { index, lab, slot: splitColumns(content), content });
  });
  return slots;
}

function splitColumns(content: HTMLElement): HTMLElement {
  const existing = content.querySelector<HTMLElement>(':scope > .lab-slot');
  if (existing) return existing;
  const text = document.createElement('div');
  text.className = 'lab-text';
  for (const child of [...content.children]) {
    if (!child.classList.contains('remark-slide-number')) text.append(child);
  }
  const slot = document.createElement('div');
  slot.className = 'lab-slot';
  content.classList.add('lab-slide');
  content.prepend(text, slot);
  return slot;
}
