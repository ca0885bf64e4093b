/**
 * A pane does not answer terminal queries: the lab server's own screen of the session (a headless xterm.js
 * at the session's exact size, src/server/screen.ts) answers them in the pty. Otherwise the writer's pane
 * would answer too (its answers are typed input), the program would read two answers, and with no page
 * at all (labs:check, record) it would read none. The tiny guest asks its size this way at each prompt
 * (ESC [6n, labs/guest/termsize), busybox's line editor asks the cursor position after each prompt.
 *
 * Left to the pane: colour queries (OSC 4/10/11/12), which only the browser's theme can answer, and the
 * window reports (CSI t), off in xterm.js unless its windowOptions turn them on.
 */
import type { IDisposable, IFunctionIdentifier } from '@xterm/xterm';

/** The part of xterm's parser used here (the browser's Terminal and the headless one both have it). */
export interface QueryParser {
  registerCsiHandler(id: IFunctionIdentifier, callback: (params: (number | number[])[]) => boolean): IDisposable;
  registerDcsHandler(
    id: IFunctionIdentifier,
    callback: (data: string, params: (number | number[])[]) => boolean,
  ): IDisposable;
}

/** Every CSI query xterm.js answers (6.0, InputHandler): the same ones the server's screen answers. */
const CSI_QUERIES: readonly IFunctionIdentifier[] = [
  { final: 'n' }, // DSR: status ESC [5n, cursor position ESC [6n
  { prefix: '?', final: 'n' }, // DEC DSR: ESC [?6n and the other DEC status reports
  { final: 'c' }, // primary device attributes (DA1)
  { prefix: '>', final: 'c' }, // secondary device attributes (DA2)
  { intermediates: '$', final: 'p' }, // DECRQM, ANSI modes
  { prefix: '?', intermediates: '$', final: 'p' }, // DECRQM, DEC private modes
];

/** Request status string (DECRQSS, DCS $ q … ST). */
const DCS_QUERIES: readonly IFunctionIdentifier[] = [{ intermediates: '$', final: 'q' }];

/**
 * Registers handlers that take each query and do nothing (a handler registered later runs first, and
 * `true` stops xterm's own). Disposing the terminal disposes them.
 */
export function leaveQueriesToServer(terminal: { readonly parser: QueryParser }): IDisposable {
  const handlers = [
    ...CSI_QUERIES.map((id) => terminal.parser.registerCsiHandler(id, () => true)),
    ...DCS_QUERIES.map((id) => terminal.parser.registerDcsHandler(id, () => true)),
  ];
  return { dispose: () => handlers.forEach((handler) => handler.dispose()) };
}
