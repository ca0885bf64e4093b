/**
 * The typed face of remark 0.14, loaded as a classic script that sets `window.remark`
 * (see src/deck/remark-script.ts). Only what the deck uses is declared.
 */

export interface RemarkSlide {
  getSlideIndex(): number;
  properties: Record<string, string>;
}

export type RemarkEvent =
  | 'showSlide'
  | 'hideSlide'
  | 'beforeShowSlide'
  | 'afterShowSlide'
  | 'beforeHideSlide'
  | 'afterHideSlide'
  | 'toggledPresenter';

export interface Slideshow {
  loadFromString(markdown: string): void;
  getSlides(): RemarkSlide[];
  getSlideCount(): number;
  getCurrentSlideIndex(): number;
  gotoSlide(slideNoOrName: number | string): void;
  gotoNextSlide(): void;
  gotoPreviousSlide(): void;
  togglePresenterMode(): void;
  createClone(): void;
  on(event: RemarkEvent, listener: (slide: RemarkSlide) => void): void;
}

export interface RemarkOptions {
  source: string;
  ratio: '4:3' | '16:9';
  highlightLines: boolean;
  highlightSpans: boolean;
  highlightStyle: string | null;
  navigation: { scroll: boolean; touch: boolean; click: boolean };
  slideNumberFormat: string;
  countIncrementalSlides: boolean;
}

export interface HighlightEngine {
  highlightBlock(block: HTMLElement, tabReplace?: string): void;
}

export interface RemarkApi {
  readonly version: string;
  create(options: RemarkOptions): Slideshow;
  readonly highlighter: { engine: HighlightEngine; styles: Record<string, string> };
}

declare global {
  interface Window {
    remark?: RemarkApi;
  }
}

export function getRemark(): RemarkApi {
  const api = window.remark;
  if (!api) throw new Error('remark.js did not load: the deck needs assets/remark-*.js beside index.html');
  return api;
}
