/**
 * Plays an asciicast into a terminal: play, pause, seek, speed, and steps (one per command marker).
 * Seeking back resets the terminal and writes everything up to the new time at once, so any position
 * shows the exact screen of the recording. Knows nothing of the DOM: the pane gives it a sink.
 */
import { castDuration, castMarkers, parseResize, type Cast, type CastMarker } from '../../protocol/asciicast.ts';

export interface ReplaySink {
  write(data: string): void;
  /** A blank terminal at the recording's size. */
  reset(cols: number, rows: number): void;
  resize(cols: number, rows: number): void;
}

export type PlayerState = 'playing' | 'paused' | 'ended';

/** Longest wait between two progress updates, ms (the seek bar moves during long pauses too). */
const TICK_MAX_MS = 200;

export class CastPlayer {
  readonly markers: readonly CastMarker[];
  readonly duration: number;
  onChange: (() => void) | undefined;
  private position = 0;
  private next = 0;
  private playing = false;
  private speedFactor = 1;
  private stopAt: number | undefined;
  private lastTick = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private step: string | undefined;

  constructor(
    private readonly cast: Cast,
    private readonly sink: ReplaySink,
  ) {
    this.markers = castMarkers(cast);
    this.duration = castDuration(cast);
    this.rewind();
  }

  get time(): number {
    return this.position;
  }

  get speed(): number {
    return this.speedFactor;
  }

  get state(): PlayerState {
    if (this.playing) return 'playing';
    return this.next >= this.cast.events.length ? 'ended' : 'paused';
  }

  /** The command whose step is shown: the last marker played, or the one a step was asked for. */
  get currentStep(): string | undefined {
    return this.step;
  }

  play(): void {
    if (this.state === 'ended') this.seek(0);
    this.playing = true;
    this.lastTick = performance.now();
    this.schedule();
    this.onChange?.();
  }

  pause(): void {
    this.playing = false;
    this.stopAt = undefined;
    this.clearTimer();
    this.onChange?.();
  }

  setSpeed(speed: number): void {
    this.advance();
    this.speedFactor = speed;
    if (this.playing) this.schedule();
    this.onChange?.();
  }

  /** Shows the screen at `time` (seconds), playing on if it was playing. */
  seek(time: number): void {
    const target = Math.min(Math.max(time, 0), this.duration);
    this.stopAt = undefined;
    if (target < this.position) this.rewind();
    this.applyUntil(target, true);
    this.position = target;
    this.lastTick = performance.now();
    if (this.playing) this.schedule();
    this.onChange?.();
  }

  /** Jumps to the command `label` and plays it up to the next command; false if it was not recorded. */
  playStep(label: string): boolean {
    const index = this.markers.findIndex((marker) => marker.label === label);
    const marker = this.markers[index];
    if (!marker) return false;
    this.seekTo(marker);
    this.stopAt = this.markers[index + 1]?.time;
    this.play();
    return true;
  }

  /** Plays the next command not played yet (a step stopped at the next marker has not played it). */
  nextStep(): boolean {
    const next = this.markers.find(
      (marker) => marker.index >= this.next && !(marker.index === this.next && marker.label === this.step),
    );
    return next ? this.playStep(next.label) : false;
  }

  dispose(): void {
    this.playing = false;
    this.clearTimer();
    this.onChange = undefined;
  }

  /** Just before the marker's own events, so the step shows its command being typed. */
  private seekTo(marker: CastMarker): void {
    if (marker.time < this.position || this.next > marker.index) this.rewind();
    this.applyUntil(marker.time, true, marker.index);
    this.position = marker.time;
    this.step = marker.label;
  }

  private rewind(): void {
    this.next = 0;
    this.position = 0;
    this.step = undefined;
    this.sink.reset(this.cast.header.width, this.cast.header.height);
  }

  /** Writes the events up to `time` (and before index `before`), batched into one write when seeking. */
  private applyUntil(time: number, batch: boolean, before = Infinity): void {
    const { events } = this.cast;
    let pending = '';
    while (this.next < events.length && this.next < before) {
      const event = events[this.next];
      if (!event || event.time > time) break;
      this.next++;
      if (event.code === 'o') {
        if (batch) pending += event.data;
        else this.sink.write(event.data);
      } else if (event.code === 'm') {
        this.step = event.data;
      } else if (event.code === 'r') {
        const size = parseResize(event.data);
        if (!size) continue;
        if (pending) this.sink.write(pending);
        pending = '';
        this.sink.resize(size.cols, size.rows);
      }
    }
    if (pending) this.sink.write(pending);
  }

  private advance(): void {
    if (!this.playing) return;
    const now = performance.now();
    this.position = Math.min(this.duration, this.position + ((now - this.lastTick) / 1000) * this.speedFactor);
    this.lastTick = now;
  }

  private tick(): void {
    this.timer = undefined;
    this.advance();
    const limit = this.stopAt;
    if (limit !== undefined && this.position >= limit) {
      this.applyUntil(limit, false, this.markers.find((marker) => marker.time >= limit)?.index);
      this.position = limit;
      this.pause();
      return;
    }
    this.applyUntil(this.position, false);
    if (this.next >= this.cast.events.length) {
      this.position = this.duration;
      this.playing = false;
      this.stopAt = undefined;
    } else {
      this.schedule();
    }
    this.onChange?.();
  }

  private schedule(): void {
    this.clearTimer();
    const event = this.cast.events[this.next];
    const wait = event ? ((event.time - this.position) / this.speedFactor) * 1000 : 0;
    this.timer = setTimeout(() => this.tick(), Math.min(Math.max(wait, 0), TICK_MAX_MS));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
