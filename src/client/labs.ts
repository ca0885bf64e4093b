/**
 * Live labs in the deck: one pane per lab for the whole deck (created when a slide of that lab first
 * shows, then moved from slide to slide with its terminal and scrollback), all on one connection.
 * Demo slides get two columns and, for a presenter page that has the writer role, a run control on each
 * command line. remark's cloned window (`c`, the projector) attaches as a viewer: it shows what the
 * presenter's page types.
 *
 * In a hands-on class a student's panes are their own labs (writer, with the run controls) or the
 * presenter's (viewer), as the follow bar says; the presenter's page gets the class panel.
 */
import './theme/classroom.css';
import type { DeckModule } from '../protocol/deck-update.ts';
import { ClassPanel } from './classroom/class-panel.ts';
import { deckExercises } from './classroom/exercise-progress.ts';
import { LabConnection } from './connection.ts';
import { startFollowing } from './follow.ts';
import { LabChannel } from './pane/lab-channel.ts';
import { layoutLabSlides, type LabSlot } from './pane/lab-layout.ts';
import { addPrintView } from './pane/print-view.ts';
import type { Slideshow } from './remark.ts';
import { decorateExercise } from './exercise/exercise-slide.ts';
import { addRunControls, clearRunControls } from './run-command.ts';

/** remark's clone is opened by the presenter's page with window.open. */
function isCloneWindow(): boolean {
  try {
    return window.opener !== null && (window.opener as Window).location.origin === location.origin;
  } catch {
    return false;
  }
}

/** remark counts each incremental step (`--`) as a slide; the deck module lists slides with their steps. */
function deckIndex(deck: DeckModule, remarkIndex: number): number {
  let steps = 0;
  for (const [index, slide] of deck.slides.entries()) {
    steps += slide.steps;
    if (remarkIndex < steps) return index;
  }
  return -1;
}

export interface LiveLabs {
  /** Lays the slides out again after remark re-rendered them (hot reload). */
  relayout(deck: DeckModule): void;
}

export function startLabs(slideshow: Slideshow, initial: DeckModule): LiveLabs {
  const connection = new LabConnection();
  const mode = isCloneWindow() ? 'view' : 'write';
  const channels = new Map<string, LabChannel>();
  const following = startFollowing(slideshow, connection, mode === 'view', () => {
    for (const channel of channels.values()) channel.retarget();
  });
  const labTitle = (lab: string): string => connection.labs.find((info) => info.id === lab)?.title ?? lab;
  let classPanel: ClassPanel | undefined;
  connection.onState((state) => {
    if (state === 'live' && connection.role === 'presenter' && connection.handsOn && mode === 'write') {
      classPanel ??= new ClassPanel(
        connection,
        labTitle,
        (index) => deckIndex(deck, index) + 1,
        () => deckExercises(deck),
      );
    }
  });
  let deck = initial;
  let slots = new Map<number, LabSlot>();

  const channelFor = (lab: string): LabChannel => {
    let channel = channels.get(lab);
    if (!channel) {
      channel = new LabChannel(lab, labTitle(lab), connection, mode, { room: () => following.room() });
      // Run controls follow the role: a page that loses the writer role (another presenter page) loses them.
      channel.onRoleChange = redecorate;
      channels.set(lab, channel);
    }
    return channel;
  };

  const decorate = (slot: LabSlot): void => {
    const channel = channels.get(slot.lab);
    const info = deck.slides[deckIndex(deck, slot.index)];
    const commands = info?.commands ?? [];
    if (channel?.canRun) addRunControls(slot.content, commands, (command) => channel.run(command.id));
    else clearRunControls(slot.content);
    if (channel && info?.exercise !== undefined) decorateExercise(slot.content, channel, info.exercise);
  };

  const show = (index: number): void => {
    const slot = slots.get(index);
    if (!slot) return;
    const channel = channelFor(slot.lab);
    channel.pane.mount(slot.slot);
    channel.showDemo(deck.slides[deckIndex(deck, index)]?.recording);
    decorate(slot);
  };

  const layout = (): void => {
    slots = layoutLabSlides(slideshow);
    for (const slot of slots.values()) addPrintView(slot.slot, deck.slides[deckIndex(deck, slot.index)]);
    show(slideshow.getCurrentSlideIndex());
  };

  function redecorate(): void {
    const slot = slots.get(slideshow.getCurrentSlideIndex());
    if (slot) decorate(slot);
  }

  slideshow.on('afterShowSlide', (slide) => show(slide.getSlideIndex()));
  layout();
  connection.start();
  return {
    relayout(next) {
      deck = next;
      layout();
    },
  };
}
