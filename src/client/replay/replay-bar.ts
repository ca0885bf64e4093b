/**
 * The replay controls under a pane: restart, play/pause, next command, a seek bar with the time, the
 * speed, which command is shown, and "go live" once a lab server is there. Keys used on these controls
 * stay here: an arrow on the seek bar must not change slide.
 */
import { paneButton } from '../pane/pane-button.ts';
import type { CastPlayer } from './player.ts';

/** The position bar moves in hundredths of a second. */
const SEEK_STEP = 0.01;

const SPEEDS = [0.5, 1, 2, 4] as const;

function clock(seconds: number): string {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export interface ReplayBarActions {
  readonly goLive: () => void;
}

export class ReplayBar {
  readonly element: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private readonly seekInput: HTMLInputElement;
  private readonly timeLabel: HTMLElement;
  private readonly stepLabel: HTMLElement;
  private readonly speedSelect: HTMLSelectElement;
  private readonly liveButton: HTMLButtonElement;
  private player: CastPlayer | undefined;

  constructor(actions: ReplayBarActions) {
    this.element = document.createElement('div');
    this.element.className = 'lab-replay-bar';
    const restart = paneButton('⇤', 'Revenir au début', () => this.player?.seek(0));
    this.playButton = paneButton('▶', 'Lire', () => this.toggle());
    const next = paneButton('⇥', 'Commande suivante', () => this.player?.nextStep());
    this.seekInput = document.createElement('input');
    this.seekInput.type = 'range';
    this.seekInput.min = '0';
    this.seekInput.step = String(SEEK_STEP);
    this.seekInput.className = 'lab-replay-seek';
    this.seekInput.setAttribute('aria-label', 'Position dans l’enregistrement');
    this.seekInput.addEventListener('input', () => this.seekTo(Number(this.seekInput.value)));
    this.timeLabel = document.createElement('span');
    this.timeLabel.className = 'lab-replay-time';
    this.stepLabel = document.createElement('span');
    this.stepLabel.className = 'lab-replay-step';
    this.speedSelect = document.createElement('select');
    this.speedSelect.className = 'lab-replay-speed';
    this.speedSelect.setAttribute('aria-label', 'Vitesse de lecture');
    for (const speed of SPEEDS)
      this.speedSelect.append(new Option(`×${speed}`, String(speed), speed === 1, speed === 1));
    this.speedSelect.addEventListener('change', () => this.player?.setSpeed(Number(this.speedSelect.value)));
    this.liveButton = paneButton(
      'Passer en direct',
      'Un serveur de labs répond : quitter l’enregistrement pour un vrai terminal',
      actions.goLive,
    );
    this.liveButton.classList.add('lab-replay-live');
    this.liveButton.hidden = true;
    this.element.append(
      restart,
      this.playButton,
      next,
      this.seekInput,
      this.timeLabel,
      this.speedSelect,
      this.stepLabel,
      this.liveButton,
    );
    for (const type of ['keydown', 'keypress', 'keyup'] as const)
      this.element.addEventListener(type, (event) => event.stopPropagation());
  }

  /**
   * A range input snaps to its step: at its right end it stands up to a step short of the duration,
   * before the recording's last output. The end of the bar is the end of the recording.
   */
  private seekTo(value: number): void {
    const player = this.player;
    if (!player) return;
    player.seek(value > player.duration - SEEK_STEP ? player.duration : value);
  }

  attach(player: CastPlayer | undefined): void {
    this.player = player;
    if (player) {
      player.onChange = () => this.update();
      player.setSpeed(Number(this.speedSelect.value));
    }
    this.update();
  }

  offerLive(offer: boolean): void {
    this.liveButton.hidden = !offer;
  }

  private toggle(): void {
    if (!this.player) return;
    if (this.player.state === 'playing') this.player.pause();
    else this.player.play();
  }

  private update(): void {
    const player = this.player;
    this.element.dataset['state'] = player?.state ?? 'empty';
    const playing = player?.state === 'playing';
    this.playButton.textContent = playing ? '❚❚' : '▶';
    this.playButton.title = playing ? 'Pause' : 'Lire';
    this.playButton.setAttribute('aria-label', this.playButton.title);
    this.seekInput.max = String(player?.duration ?? 0);
    this.seekInput.value = String(player?.time ?? 0);
    this.timeLabel.textContent = player ? `${clock(player.time)} / ${clock(player.duration)}` : '';
    const step = player?.currentStep ?? '';
    this.stepLabel.textContent = step;
    this.element.dataset['step'] = step;
  }
}
