/**
 * One lab's terminal pane: an xterm.js terminal (WebGL on a GPU, DOM otherwise) with its toolbar (badge, zoom, widen, collapse, full
 * screen). One pane per lab for the whole deck; the layout moves its element into whichever slide shows
 * that lab, so the terminal and its scrollback survive slide changes.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { Disposable, disposableTimeout, MutableDisposable, toDisposable } from '../../protocol/lifecycle.ts';
import { DEMO_TERMINAL } from '../../protocol/limits.ts';
import { FIT_FONT_MAX, FIT_FONT_MIN, largestFittingFont } from './fit-font.ts';
import { paneButton } from './pane-button.ts';
import { loadRenderer } from './renderer.ts';
import { leaveQueriesToServer } from './terminal-queries.ts';
import { TERMINAL_FONT, TERMINAL_THEME } from './terminal-theme.ts';

export type PaneState = 'connecting' | 'live' | 'reconnecting' | 'replay' | 'offline' | 'viewer';

const BADGE_TEXT: Record<PaneState, string> = {
  connecting: 'connexion…',
  live: 'en direct',
  reconnecting: 'reconnexion…',
  replay: 'rejeu',
  offline: 'hors ligne',
  viewer: 'lecture seule',
};

/** A− and A+ change the font by this much, within these bounds (px, in the slide's own scale). */
const ZOOM_STEP = 2;
const ZOOM_MIN = 8;
const ZOOM_MAX = 32;
/** Two Escapes this close together give the keyboard back to the slides; a lone one waits this long. */
const DOUBLE_ESCAPE_MS = 600;

/**
 * The pane's element carries its terminal, for the e2e checks and the bench, which read xterm's buffer
 * (rows soft-wrapped, the font in use) as a person would see it; nothing in the deck reads it.
 */
export interface LabPaneElement extends HTMLElement {
  labTerminal?: Terminal;
}

export interface LabPaneOptions {
  readonly lab: string;
  readonly title: string;
  /** Called with what the person types (and xterm's replies); the connection decides if it is sent. */
  readonly onInput: (data: string) => void;
  readonly onResize: (cols: number, rows: number) => void;
  /** The writer asked for a fresh shell in a fresh working directory. */
  readonly onReset: () => void;
  /** A pane that can be closed (the presenter's view of a student's terminal) gets a ✕ that calls this. */
  readonly onClose?: () => void;
}

export class LabPane extends Disposable {
  readonly element: LabPaneElement;
  readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  private readonly badge: HTMLElement;
  private readonly message: HTMLElement;
  private readonly watched: HTMLElement;
  private readonly note: HTMLElement;
  private readonly body: HTMLElement;
  /** A− A+ or ⇔ chose the font: the grid follows the pane instead of the pane's font following the grid. */
  private freeFont = false;
  /** A lone Escape, held back until DOUBLE_ESCAPE_MS tells whether a second one follows. */
  private readonly escapeTimer = this.register(new MutableDisposable());
  /** A refit waiting for the next frame (after the pane changed size by a class). */
  private readonly refitFrame = this.register(new MutableDisposable());
  /** A viewer shows the session at the writer's size, a replay at its recording's: the font is fitted to it. */
  private followed: GridSize | undefined;
  /**
   * What the font was last fitted for (the body's size, the grid) and what came of it (the font, the grid
   * that fits at it). A refit where none of it changed, as when the pane moves on to the next slide of its
   * lab, tries no font: each one tried makes xterm.js measure every glyph again and redraw every row
   * (850 ms per slide change during a `cat` of 50 MB, bench/README.md).
   */
  private fitted: string | undefined;
  private readonly resetButton: HTMLButtonElement;

  constructor(private readonly options: LabPaneOptions) {
    super();
    this.element = el('section', 'lab-pane');
    this.element.dataset['lab'] = options.lab;
    const header = el('header', 'lab-pane-header');
    const title = el('span', 'lab-pane-title');
    title.textContent = options.title;
    this.badge = el('span', 'lab-pane-badge');
    const tools = el('span', 'lab-pane-tools');
    this.resetButton = paneButton('↺', 'Redémarrer le lab (shell neuf, dossier neuf)', () => this.options.onReset());
    tools.append(
      this.resetButton,
      paneButton('A−', 'Réduire la police', () => this.zoom(-ZOOM_STEP)),
      paneButton('A+', 'Agrandir la police', () => this.zoom(ZOOM_STEP)),
      paneButton('⇔', 'Élargir le terminal', () => this.toggleWide()),
      paneButton('▭', 'Replier le terminal', () => this.toggleClass('collapsed')),
      paneButton('⤢', 'Plein écran', () => this.toggleClass('fullscreen')),
    );
    const close = options.onClose;
    if (close) tools.append(paneButton('✕', 'Fermer ce terminal', close));
    header.append(title, this.badge, tools);
    // A student must know when the presenter looks over their shoulder: said in words, not only a colour.
    this.watched = el('div', 'lab-pane-watched');
    this.watched.setAttribute('role', 'status');
    this.watched.textContent = '● Le présentateur regarde ce terminal';
    this.watched.hidden = true;
    this.note = el('div', 'lab-pane-note');
    this.note.hidden = true;
    this.message = el('div', 'lab-pane-message');
    this.message.hidden = true;
    this.body = el('div', 'lab-pane-body');
    this.element.append(header, this.watched, this.note, this.message, this.body);

    // Registered first, so freed last: the element, then the terminal, go after what listens to them.
    this.register(toDisposable(() => this.element.remove()));
    this.terminal = new Terminal({
      fontFamily: TERMINAL_FONT,
      fontSize: 16,
      theme: TERMINAL_THEME,
      cursorBlink: true,
      scrollback: 5000,
      allowProposedApi: false,
      convertEol: false,
    });
    this.register(this.terminal);
    this.terminal.loadAddon(this.fit);
    leaveQueriesToServer(this.terminal);
    this.element.labTerminal = this.terminal;
    this.register(this.terminal.onData((d) => this.options.onInput(d)));
    this.register(this.terminal.onResize(({ cols, rows }) => this.options.onResize(cols, rows)));
    this.isolateKeyboard();
    this.setState('connecting');
  }

  /** Opens the terminal the first time the pane is in the document (xterm measures fonts on open). */
  mount(slot: HTMLElement): void {
    if (this.element.parentElement !== slot) slot.append(this.element);
    if (!this.terminal.element) {
      this.terminal.open(this.body);
      this.register(toDisposable(loadRenderer(this.terminal, (kind) => (this.element.dataset['renderer'] = kind))));
      const resizeObserver = new ResizeObserver(() => this.refit());
      resizeObserver.observe(this.body);
      this.register(toDisposable(() => resizeObserver.disconnect()));
    }
    this.refit();
  }

  setState(state: PaneState): void {
    this.badge.textContent = BADGE_TEXT[state];
    this.badge.dataset['state'] = state;
    this.element.dataset['state'] = state;
  }

  /** Viewers cannot type, run or reset: the terminal ignores keys and the reset control goes away. */
  setReadOnly(readOnly: boolean): void {
    this.terminal.options.disableStdin = readOnly;
    this.terminal.options.cursorBlink = !readOnly;
    this.resetButton.hidden = readOnly;
    if (!readOnly && this.followed) {
      this.followed = undefined;
      this.refit();
    }
  }

  /** Shows the session at cols x rows, with the largest font that fits the pane. */
  followSize(cols: number, rows: number): void {
    this.followed = { cols, rows };
    this.freeFont = false;
    this.refit();
  }

  /** A readable message over the terminal (never HTML: it may quote server text). */
  showMessage(text: string | undefined): void {
    this.message.textContent = text ?? '';
    this.message.hidden = text === undefined;
  }

  /** Shows (or hides) that the presenter is watching this terminal. */
  setWatched(watching: boolean): void {
    this.watched.hidden = !watching;
    this.element.classList.toggle('watched', watching);
  }

  /** A lasting line under the toolbar (why this pane replays), apart from the messages that come and go. */
  setNote(text: string | undefined): void {
    this.note.textContent = text ?? '';
    this.note.hidden = text === undefined;
  }

  focus(): void {
    this.terminal.focus();
  }

  /**
   * The grid shown: a followed session's or recording's, else the demo grid every lab's output is made to
   * fit (DEMO_TERMINAL), else (A−, A+, ⇔) whatever the pane holds at the chosen font.
   */
  get grid(): GridSize | undefined {
    return this.followed ?? (this.freeFont ? undefined : DEMO_TERMINAL);
  }

  refit(): void {
    if (!this.terminal.element || this.body.clientWidth === 0) return;
    const grid = this.grid;
    if (!grid) {
      this.fitted = undefined;
      return this.fit.fit();
    }
    if (this.fitted !== undefined && this.fitted === this.fitKey(grid)) return;
    if (this.terminal.cols !== grid.cols || this.terminal.rows !== grid.rows)
      this.terminal.resize(grid.cols, grid.rows);
    // Cells grow with the font: the grid that fits at this font, scaled, is where the search starts.
    const now = this.fit.proposeDimensions();
    const size = this.terminal.options.fontSize ?? 16;
    const guess = now ? size * Math.min(now.cols / grid.cols, now.rows / grid.rows) : undefined;
    this.terminal.options.fontSize = largestFittingFont(
      (tried) => {
        this.terminal.options.fontSize = tried;
        const fits = this.fit.proposeDimensions();
        return fits !== undefined && fits.cols >= grid.cols && fits.rows >= grid.rows;
      },
      FIT_FONT_MIN,
      FIT_FONT_MAX,
      guess,
    );
    this.fitted = this.fitKey(grid);
  }

  /**
   * The body's size, the grid shown and the font, and the grid that fits at that font: the last part
   * changes when the font's metrics do (the web font loaded after the first fit), so the font is sought again.
   */
  private fitKey(grid: GridSize): string {
    const fits = this.fit.proposeDimensions();
    return [
      this.body.clientWidth,
      this.body.clientHeight,
      grid.cols,
      grid.rows,
      this.terminal.cols,
      this.terminal.rows,
      this.terminal.options.fontSize,
      fits?.cols,
      fits?.rows,
    ].join(' ');
  }

  private zoom(step: number): void {
    const size = Math.round((this.terminal.options.fontSize ?? 16) + step);
    this.terminal.options.fontSize = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, size));
    this.followed = undefined;
    this.freeFont = true;
    this.refit();
  }

  /** Wider, the pane shows more columns at the same font; back in its column, the demo grid again. */
  private toggleWide(): void {
    const wide = this.element.classList.toggle('wide');
    // A viewer or a replay keeps the grid it shows (its font grows instead): the writer's size rules.
    if (!this.followed) this.freeFont = wide;
    this.refitNextFrame();
  }

  private toggleClass(name: string): void {
    this.element.classList.toggle(name);
    this.refitNextFrame();
  }

  /** After layout has applied a class change; one refit per frame however many changes came. */
  private refitNextFrame(): void {
    if (this.refitFrame.value) return;
    const frame = requestAnimationFrame(() => {
      this.refitFrame.clear();
      this.refit();
    });
    this.refitFrame.value = toDisposable(() => cancelAnimationFrame(frame));
  }

  /**
   * remark listens for keys on window: keys typed in the terminal must stop at the pane, or `p` opens the
   * presenter view and space changes slide. xterm handles them first, on its own textarea. An Escape is
   * held back a moment: a second one gives the keyboard back to the slides and neither reaches the shell
   * (a lone ESC would make readline eat the next key); any other key sends it on at once, in order.
   */
  private isolateKeyboard(): void {
    const flushEscape = (): void => {
      if (!this.escapeTimer.value) return;
      this.escapeTimer.clear();
      this.options.onInput('\u001b');
    };
    this.terminal.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown') return true;
      if (event.key !== 'Escape') {
        flushEscape();
        return true;
      }
      if (this.escapeTimer.value) {
        this.escapeTimer.clear();
        this.terminal.blur();
      } else {
        this.escapeTimer.value = disposableTimeout(DOUBLE_ESCAPE_MS, flushEscape);
      }
      return false;
    });
    const stop = (event: KeyboardEvent): void => {
      if (this.terminal.element?.contains(event.target as Node)) event.stopPropagation();
    };
    for (const type of ['keydown', 'keypress', 'keyup'] as const) {
      this.element.addEventListener(type, stop);
      this.register(toDisposable(() => this.element.removeEventListener(type, stop)));
    }
  }
}

interface GridSize {
  readonly cols: number;
  readonly rows: number;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  return element;
}
