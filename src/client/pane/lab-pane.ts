/**
 * One lab's terminal pane: an xterm.js terminal (WebGL on a GPU, DOM otherwise) with its toolbar (badge, zoom, widen, collapse, full
 * screen). One pane per lab for the whole deck; the layout moves its element into whichever slide shows
 * that lab, so the terminal and its scrollback survive slide changes.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { paneButton } from './pane-button.ts';
import { loadRenderer } from './renderer.ts';
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

const FONT_SIZES = [12, 14, 16, 18, 20, 24, 28] as const;
/** Sizes tried, largest first, to show someone else's terminal (a writer's, a recording's) whole. */
const FIT_FONT_SIZES = [28, 24, 20, 18, 16, 15, 14, 13, 12, 11, 10, 9, 8] as const;
const DEFAULT_FONT_INDEX = 2;
/** Two Escapes this close together give the keyboard back to the slides; a lone one waits this long. */
const DOUBLE_ESCAPE_MS = 600;

export interface LabPaneOptions {
  readonly lab: string;
  readonly title: string;
  /** Called with what the person types (and xterm's replies); the connection decides if it is sent. */
  readonly onInput: (data: string) => void;
  readonly onResize: (cols: number, rows: number) => void;
  /** The writer asked for a fresh shell in a fresh working directory. */
  readonly onReset: () => void;
}

export class LabPane {
  readonly element: HTMLElement;
  readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  private readonly badge: HTMLElement;
  private readonly message: HTMLElement;
  private readonly body: HTMLElement;
  private readonly cleanups: (() => void)[] = [];
  private fontIndex = DEFAULT_FONT_INDEX;
  private escapeTimer: ReturnType<typeof setTimeout> | undefined;
  private resizeObserver: ResizeObserver | undefined;
  private disposed = false;
  /** A viewer shows the session at the writer's size: the font is fitted to it, not the grid to the pane. */
  private followed: { readonly cols: number; readonly rows: number } | undefined;
  private readonly resetButton: HTMLButtonElement;

  constructor(private readonly options: LabPaneOptions) {
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
      paneButton('A−', 'Réduire la police', () => this.zoom(-1)),
      paneButton('A+', 'Agrandir la police', () => this.zoom(1)),
      paneButton('⇔', 'Élargir le terminal', () => this.toggleClass('wide')),
      paneButton('▭', 'Replier le terminal', () => this.toggleClass('collapsed')),
      paneButton('⤢', 'Plein écran', () => this.toggleClass('fullscreen')),
    );
    header.append(title, this.badge, tools);
    this.message = el('div', 'lab-pane-message');
    this.message.hidden = true;
    this.body = el('div', 'lab-pane-body');
    this.element.append(header, this.message, this.body);

    this.terminal = new Terminal({
      fontFamily: TERMINAL_FONT,
      fontSize: FONT_SIZES[this.fontIndex],
      theme: TERMINAL_THEME,
      cursorBlink: true,
      scrollback: 5000,
      allowProposedApi: false,
      convertEol: false,
    });
    this.terminal.loadAddon(this.fit);
    const data = this.terminal.onData((d) => this.options.onInput(d));
    const resize = this.terminal.onResize(({ cols, rows }) => this.options.onResize(cols, rows));
    this.cleanups.push(() => data.dispose(), () => resize.dispose());
    this.isolateKeyboard();
    this.setState('connecting');
  }

  /** Opens the terminal the first time the pane is in the document (xterm measures fonts on open). */
  mount(slot: HTMLElement): void {
    if (this.element.parentElement !== slot) slot.append(this.element);
    if (!this.terminal.element) {
      this.terminal.open(this.body);
      this.cleanups.push(loadRenderer(this.terminal, (kind) => (this.element.dataset['renderer'] = kind)));
      this.resizeObserver = new ResizeObserver(() => this.refit());
      this.resizeObserver.observe(this.body);
      this.cleanups.push(() => this.resizeObserver?.disconnect());
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
    if (!readOnly) {
      this.followed = undefined;
      this.refit();
    }
  }

  /** Shows the session at cols x rows, with the largest font that fits the pane. */
  followSize(cols: number, rows: number): void {
    this.followed = { cols, rows };
    if (this.terminal.cols !== cols || this.terminal.rows !== rows) this.terminal.resize(cols, rows);
    this.fitFont();
  }

  /** A readable message over the terminal (never HTML: it may quote server text). */
  showMessage(text: string | undefined): void {
    this.message.textContent = text ?? '';
    this.message.hidden = text === undefined;
  }

  focus(): void {
    this.terminal.focus();
  }

  refit(): void {
    if (!this.terminal.element || this.body.clientWidth === 0) return;
    if (this.followed) this.fitFont();
    else this.fit.fit();
  }

  private fitFont(): void {
    const wanted = this.followed;
    if (!wanted || !this.terminal.element || this.body.clientWidth === 0) return;
    for (const size of FIT_FONT_SIZES) {
      this.terminal.options.fontSize = size;
      const fits = this.fit.proposeDimensions();
      if (fits && fits.cols >= wanted.cols && fits.rows >= wanted.rows) break;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.terminal.dispose();
    this.element.remove();
  }

  private zoom(step: number): void {
    this.fontIndex = Math.min(FONT_SIZES.length - 1, Math.max(0, this.fontIndex + step));
    this.terminal.options.fontSize = FONT_SIZES[this.fontIndex];
    this.followed = undefined;
    this.refit();
  }

  private toggleClass(name: string): void {
    this.element.classList.toggle(name);
    requestAnimationFrame(() => this.refit());
  }

  /**
   * remark listens for keys on window: keys typed in the terminal must stop at the pane, or `p` opens the
   * presenter view and space changes slide. xterm handles them first, on its own textarea. An Escape is
   * held back a moment: a second one gives the keyboard back to the slides and neither reaches the shell
   * (a lone ESC would make readline eat the next key); any other key sends it on at once, in order.
   */
  private isolateKeyboard(): void {
    const flushEscape = (): void => {
      if (this.escapeTimer === undefined) return;
      clearTimeout(this.escapeTimer);
      this.escapeTimer = undefined;
      this.options.onInput('\u001b');
    };
    this.terminal.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown') return true;
      if (event.key !== 'Escape') {
        flushEscape();
        return true;
      }
      if (this.escapeTimer !== undefined) {
        clearTimeout(this.escapeTimer);
        this.escapeTimer = undefined;
        this.terminal.blur();
      } else {
        this.escapeTimer = setTimeout(flushEscape, DOUBLE_ESCAPE_MS);
      }
      return false;
    });
    this.cleanups.push(() => clearTimeout(this.escapeTimer));
    const stop = (event: KeyboardEvent): void => {
      if (this.terminal.element?.contains(event.target as Node)) event.stopPropagation();
    };
    for (const type of ['keydown', 'keypress', 'keyup'] as const) {
      this.element.addEventListener(type, stop);
      this.cleanups.push(() => this.element.removeEventListener(type, stop));
    }
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  return element;
}
