import '@fontsource/fira-sans/latin-400.css';
import '@fontsource/fira-sans/latin-400-italic.css';
import '@fontsource/fira-sans/latin-600.css';
import '@fontsource/fira-sans/latin-700.css';
import '@fontsource/fira-mono/latin-400.css';
import '@fontsource/fira-mono/latin-700.css';
import './theme/theme.css';
import './theme/code.css';
import '@xterm/xterm/css/xterm.css';
import './theme/pane.css';
import './theme/print.css';
import deck from 'virtual:deck';
import { createSlideshow } from './deck.ts';
import { addTerminalHelp } from './help.ts';
import { acceptDeckUpdates } from './hot.ts';
import { startLabs } from './labs.ts';
import { guardMessages } from './message-guard.ts';
import { applyFrenchSpacing } from './typography.ts';

guardMessages();
document.title = deck.title;
const slideshow = createSlideshow(deck);
// remark renders every slide up front, and again on each hot update.
const typeset = (): void => applyFrenchSpacing(document.body);
typeset();
addTerminalHelp();
const labs = startLabs(slideshow, deck);
acceptDeckUpdates(slideshow, (update) => {
  typeset();
  labs.relayout(update);
});
