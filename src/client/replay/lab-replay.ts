/**
 * A pane without a lab server: it replays the recording of the demo on screen (labs/recordings, shipped
 * with the deck), in the same xterm.js terminal. A click on a command of the slide plays that command's
 * step. A missing or unreadable recording says so in the pane; what could be read still plays.
 */
import { parseCast, type CastParse } from '../../protocol/asciicast.ts';
import type { LabPane } from '../pane/lab-pane.ts';
import { CastPlayer } from './player.ts';
import { ReplayBar } from './replay-bar.ts';

async function fetchCast(url: string): Promise<CastParse> {
  try {
    const response = await fetch(url, { cache: 'no-cache' });
    if (!response.ok) return { ok: false, message: `HTTP ${response.status}`, line: 0, partial: undefined };
    return parseCast(await response.text());
  } catch (error) {
    return { ok: false, message: (error as Error).message, line: 0, partial: undefined };
  }
}

export class LabReplay {
  private readonly bar: ReplayBar;
  private readonly casts = new Map<string, Promise<CastParse>>();
  private player: CastPlayer | undefined;
  private shown: string | undefined;
  private disposed = false;

  constructor(
    private readonly pane: LabPane,
    goLive: () => void,
  ) {
    this.bar = new ReplayBar({ goLive });
    pane.element.append(this.bar.element);
    pane.refit();
  }

  /** Shows the recording at `path` (relative to the deck), playing it from the start if it is new here. */
  async show(path: string | undefined): Promise<void> {
    if (path === this.shown) return;
    this.shown = path;
    this.player?.dispose();
    this.player = undefined;
    this.bar.attach(undefined);
    this.pane.terminal.reset();
    if (path === undefined) {
      this.pane.showMessage('Pas d’enregistrement pour cette démo : lancez « npm start » pour un terminal en direct.');
      return;
    }
    const url = new URL(path, document.baseURI).href;
    let loading = this.casts.get(url);
    if (!loading) this.casts.set(url, (loading = fetchCast(url)));
    const parsed = await loading;
    if (this.disposed || this.shown !== path) return;
    const cast = parsed.ok ? parsed.cast : parsed.partial;
    this.pane.showMessage(
      parsed.ok
        ? undefined
        : `Enregistrement illisible : ${path}${parsed.line > 0 ? `, ligne ${parsed.line}` : ''} (${parsed.message}).` +
            (cast && cast.events.length > 0 ? ' Le début est rejoué.' : ' Relancez « npm run record ».'),
    );
    if (!cast) return;
    const terminal = this.pane.terminal;
    this.player = new CastPlayer(cast, {
      write: (data) => terminal.write(data),
      reset: (cols, rows) => {
        terminal.reset();
        this.pane.followSize(cols, rows);
      },
      resize: (cols, rows) => this.pane.followSize(cols, rows),
    });
    this.bar.attach(this.player);
    this.player.play();
  }

  /** Plays the step of command `id`; false when the recording shown has none. */
  playStep(id: string): boolean {
    return this.player?.playStep(id) ?? false;
  }

  offerLive(offer: boolean): void {
    this.bar.offerLive(offer);
  }

  dispose(): void {
    this.disposed = true;
    this.player?.dispose();
    this.bar.element.remove();
    this.pane.showMessage(undefined);
    this.pane.refit();
  }
}
