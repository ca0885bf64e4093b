/** The pane's colours: the deck's code-block palette, so terminal and slides read as one. */
import type { ITheme } from '@xterm/xterm';

export const TERMINAL_THEME: ITheme = {
  background: '#1f2630',
  foreground: '#e8e6e1',
  cursor: '#ffd166',
  cursorAccent: '#1f2630',
  selectionBackground: '#4a5a6e',
  black: '#1f2630',
  red: '#ff7b72',
  green: '#b9e28c',
  yellow: '#ffd166',
  blue: '#9cc8ff',
  magenta: '#d7a6ff',
  cyan: '#7fd1c7',
  white: '#e8e6e1',
  brightBlack: '#7a8591',
  brightRed: '#ff9e7a',
  brightGreen: '#d4f5a9',
  brightYellow: '#ffe29a',
  brightBlue: '#c2dcff',
  brightMagenta: '#e9c9ff',
  brightCyan: '#a8efe6',
  brightWhite: '#ffffff',
};

export const TERMINAL_FONT = "'Fira Mono', 'DejaVu Sans Mono', monospace";
