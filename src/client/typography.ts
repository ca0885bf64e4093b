/**
 * French typography on rendered slides: a narrow no-break space before « ; : ! ? » and inside guillemets,
 * so a colon never starts a line on the projector. Authors type ordinary spaces; code is left alone.
 */
const NARROW_NBSP = '\u202f';
const NBSP = '\u00a0';

export function frenchSpacing(text: string): string {
  return text.replace(/[ \u00a0]([;:!?»])/g, `${NARROW_NBSP}$1`).replace(/«[ \u00a0]/g, `«${NBSP}`);
}

const SKIP = new Set(['CODE', 'PRE', 'SCRIPT', 'STYLE', 'A']);

export function applyFrenchSpacing(root: ParentNode): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let parent = node.parentElement; parent; parent = parent.parentElement) {
        if (SKIP.has(parent.tagName)) return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const fixed = frenchSpacing(node.nodeValue ?? '');
    if (fixed !== node.nodeValue) node.nodeValue = fixed;
  }
}
