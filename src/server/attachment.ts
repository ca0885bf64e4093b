/**
 * One page's view of one session: the (connection, channel) pair, its role, its ack window and where it
 * is in the stream. Owned by the session, which disposes it on detach (its slow-viewer timer with it); the
 * connection only keeps it in its channel table.
 */
import { errorValue, type ErrorValue } from '../protocol/errors.ts';
import { HIGH_WATERMARK, LOW_WATERMARK, VIEWER_HIGH_WATERMARK } from '../protocol/limits.ts';
import type { ClientRole, SessionRole, SessionState } from '../protocol/messages.ts';
import { AckWindow } from './flow-control.ts';
import { disposableTimeout, MutableDisposable, type IDisposable } from './lifecycle.ts';
import type { FrameCache, Outbox } from './outbox.ts';
import type { PtyExit } from './pty-host.ts';
import type { ScreenSnapshot } from './screen.ts';

/** What a session needs from the connection a page is on. */
export interface Peer {
  readonly role: ClientRole;
  readonly outbox: Outbox;
  /** The session let go of this channel (detach, drop, session end): forget it. */
  released(channel: number): void;
}

/**
 * - live: output is sent as it comes (right after the snapshot that starts every attachment);
 * - lagging: a viewer past VIEWER_HIGH_WATERMARK; output is dropped for it until it acks down to
 *   LOW_WATERMARK, then it gets a fresh snapshot and is live again.
 */
export type StreamState = 'live' | 'lagging';

export class Attachment implements IDisposable {
  state: StreamState = 'live';
  readonly window: AckWindow;
  private warnedReadOnly = false;
  /** Armed while lagging: a viewer still behind when it fires is detached as slow. */
  private readonly slow = new MutableDisposable();

  constructor(
    readonly peer: Peer,
    readonly channel: number,
    private currentRole: SessionRole,
  ) {
    this.window = new AckWindow(currentRole === 'writer' ? HIGH_WATERMARK : VIEWER_HIGH_WATERMARK, LOW_WATERMARK);
  }

  get role(): SessionRole {
    return this.currentRole;
  }

  set role(role: SessionRole) {
    this.currentRole = role;
    this.window.setHigh(role === 'writer' ? HIGH_WATERMARK : VIEWER_HIGH_WATERMARK);
  }

  /** Another page took the writer role: this one views from now on, and is told so. */
  demote(): void {
    this.role = 'viewer';
    this.peer.outbox.sendMessage({ type: 'role', channel: this.channel, role: 'viewer' });
  }

  /** A chunk of output: sent while live; a viewer past its window lags, and `onSlow` if it stays behind. */
  output(frames: FrameCache, slowMs: number, onSlow: (attachment: Attachment) => void): void {
    if (this.state !== 'live') return;
    this.peer.outbox.sendOutput(this.channel, frames);
    this.window.sent(frames.chunk.length);
    if (this.role === 'viewer' && this.window.isThrottled) this.lag(slowMs, () => onSlow(this));
  }

  /** Live from here on: the screen as it is now (taken between two pty chunks), then every chunk. */
  sync(snapshot: ScreenSnapshot, exited: boolean): void {
    this.slow.clear();
    const { channel } = this;
    this.peer.outbox.sendMessage({
      type: 'snapshot',
      channel,
      data: snapshot.data,
      cols: snapshot.cols,
      rows: snapshot.rows,
    });
    if (exited) this.status('exited');
    this.state = 'live';
  }

  /** A viewer that stopped keeping up: no more output until it acks; `onSlow` if it stays behind `ms`. */
  lag(ms: number, onSlow: () => void): void {
    this.state = 'lagging';
    this.status('lagging');
    this.slow.value = disposableTimeout(ms, onSlow);
  }

  status(state: SessionState): void {
    this.peer.outbox.sendMessage({ type: 'status', channel: this.channel, state });
  }

  /** The shell exited: `why` first when it means the shell did not start (or its setup failed). */
  exited(exit: PtyExit, why: ErrorValue | undefined): void {
    if (why) this.fail(why);
    this.peer.outbox.sendMessage({ type: 'exit', channel: this.channel, code: exit.code, signal: exit.signal });
    this.status('exited');
  }

  /** Input from a viewer is dropped, xterm's automatic replies included; said once, so the pane shows "read-only". */
  refuseInput(): void {
    if (!this.warnedReadOnly) this.fail(errorValue('READ_ONLY'));
    this.warnedReadOnly = true;
  }

  fail(error: ErrorValue): void {
    this.peer.outbox.sendMessage({ type: 'error', channel: this.channel, ...error });
  }

  /** Detached: its timer goes (one set later is cleared at once). */
  dispose(): void {
    this.slow.dispose();
  }
}
