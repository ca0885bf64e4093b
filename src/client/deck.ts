/** Creates the remark slideshow from the assembled slides, with our highlighter and options. */
import type { DeckModule } from '../protocol/deck-update.ts';
import { highlightEngine } from './highlight.ts';
import { getRemark, type Slideshow } from './remark.ts';

export function createSlideshow(deck: DeckModule): Slideshow {
  const remark = getRemark();
  remark.highlighter.engine.highlightBlock = highlightEngine.highlightBlock;
  // remark appends its bundled highlight styles to its stylesheet; ours come from theme/code.css.
  for (const style of Object.keys(remark.highlighter.styles)) delete remark.highlighter.styles[style];
  return remark.create({
    source: deck.source,
    ratio: '16:9',
    highlightLines: true,
    highlightSpans: false,
    highlightStyle: null,
    navigation: { scroll: false, touch: true, click: false },
    slideNumberFormat: '%current% / %total%',
    countIncrementalSlides: false,
  });
}
