// Vite checks `import.meta.hot.on('deck:update', ...)` against this, like Slidev's hmr.ts.
import type { DeckUpdate } from '../protocol/deck-update.ts';

declare module 'vite/types/customEvent.d.ts' {
  interface CustomEventMap {
    'deck:update': DeckUpdate;
  }
}
