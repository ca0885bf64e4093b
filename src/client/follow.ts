/**
 * The classroom: the presenter's page tells the server which slide it shows; an audience page follows
 * it, slide and step. A student may browse away (any move of their own switches to "browse freely"),
 * then catch up in one click, which follows again. remark's cloned window (the projector) follows its
 * own presenter page already and says nothing to the room.
 */
import type { LabConnection } from './connection.ts';
import type { Slideshow } from './remark.ts';

type FollowMode = 'follow' | 'browse';

export function startFollowing(slideshow: Slideshow, connection: LabConnection, isClone: boolean): void {
  let presenterIndex: number | undefined;
  let mode: FollowMode = 'follow';
  let moving = false;
  let bar: FollowBar | undefined;

  const go = (index: number): void => {
    if (index === slideshow.getCurrentSlideIndex() || index >= slideshow.getSlideCount()) return;
    moving = true;
    try {
      slideshow.gotoSlide(index + 1);
    } finally {
      moving = false;
    }
  };
  const setMode = (next: FollowMode): void => {
    mode = next;
    if (mode === 'follow' && presenterIndex !== undefined) go(presenterIndex);
    bar?.update(mode);
  };

  connection.onRoomSlide = (index) => {
    presenterIndex = index;
    if (connection.role !== 'audience') return;
    bar ??= new FollowBar(setMode);
    if (mode === 'follow') go(index);
    bar.update(mode);
  };

  slideshow.on('afterShowSlide', (slide) => {
    const index = slide.getSlideIndex();
    if (connection.role === 'presenter' && !isClone) {
      connection.send({ type: 'slide', index });
    } else if (connection.role === 'audience' && !moving && mode === 'follow' && index !== presenterIndex) {
      setMode('browse');
    }
  });
  // A presenter page (re)joining tells the room where it is.
  connection.onState((state) => {
    if (state === 'live' && connection.role === 'presenter' && !isClone) {
      connection.send({ type: 'slide', index: slideshow.getCurrentSlideIndex() });
    }
  });
}

/** The audience's control, bottom left: following, or browsing with a button to catch up. */
class FollowBar {
  private readonly element: HTMLElement;
  private readonly label: HTMLElement;
  private readonly button: HTMLButtonElement;
  private mode: FollowMode = 'follow';

  constructor(setMode: (mode: FollowMode) => void) {
    this.element = document.createElement('div');
    this.element.className = 'follow-bar';
    this.label = document.createElement('span');
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.addEventListener('click', (event) => {
      event.stopPropagation();
      setMode(this.mode === 'follow' ? 'browse' : 'follow');
    });
    this.button.addEventListener('keydown', (event) => event.stopPropagation());
    this.element.append(this.label, this.button);
    document.body.append(this.element);
  }

  update(mode: FollowMode): void {
    this.mode = mode;
    this.element.dataset['mode'] = mode;
    this.label.textContent = mode === 'follow' ? '● Vous suivez le présentateur' : 'Navigation libre';
    this.button.textContent = mode === 'follow' ? 'Naviguer librement' : 'Rattraper';
    this.button.title = mode === 'follow' ? 'Ne plus suivre : parcourir les diapositives à son rythme' : 'Revenir à la diapositive du présentateur et la suivre';
  }
}
