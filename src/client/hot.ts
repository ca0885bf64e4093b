/**
 * Hot reload of slides: the deck plugin sends the new markdown when a chapter changes; remark re-renders
 * it and the presenter stays on the slide they were on.
 */
import { DECK_UPDATE_EVENT, type DeckUpdate } from '../protocol/deck-update.ts';
import type { Slideshow } from './remark.ts';

export function acceptDeckUpdates(slideshow: Slideshow, afterReload: (update: DeckUpdate) => void): void {
  if (!import.meta.hot) return;
  import.meta.hot.on(DECK_UPDATE_EVENT, (update: DeckUpdate) => {
    const index = slideshow.getCurrentSlideIndex();
    slideshow.loadFromString(update.source);
    afterReload(update);
    slideshow.gotoSlide(Math.min(index, slideshow.getSlideCount() - 1) + 1);
  });
}
