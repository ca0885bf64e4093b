/// <reference types="vite/client" />

// Ambient (no top-level import, so this file is a script): the module Vite's deck plugin serves.
declare module 'virtual:deck' {
  import type { DeckModule } from '../protocol/deck-update.ts';

  const deck: DeckModule;
  export default deck;
}
