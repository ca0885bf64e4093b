/**
 * One page's view of one session: the (connection, channel) pair, its role, its ack window and where it
 * is in the stream. Owned by the session; the connection only keeps it in its channel table.
 */
import type { ErrorValue } from '../protocol/errors.ts';
import { HIGH_WATERMARK, LOW_WATERMARK, VIEWER_HIGH_WATERMARK } from '../protocol/limits.ts';
import type { ClientRole, SessionRole } from '../protocol/messages.ts';
import { AckWindow } from './flow-control.ts';
import type { Outbox } from './outbox.ts';
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

export class Attachment {
  state: StreamState = 'live';
  readonly window: AckWindow;
  warnedReadOnly = false;
  slowTimer: NodeJS.Timeout | undefined;

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

  clearSlowTimer(): void {
    if (this.slowTimer) clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
  }

  /** Live from here on: the screen as it is now (taken between two pty chunks), then every chunk. */
  sync(snapshot: ScreenSnapshot, exited: boolean): void {
    this.clearSlowTimer();
    const { outbox } = this.peer;
    const { channel } = this;
    outbox.sendMessage({ type: 'snapshot', channel, data: snapshot.data, cols: snapshot.cols, rows: snapshot.rows });
    if (exited) outbox.sendMessage({ type: 'status', channel, state: 'exited' });
    this.state = 'live';
  }

  /** A viewer that stopped keeping up: no more output until it acks; `onSlow` if it stays behind `ms`. */
  lag(ms: number, onSlow: () => void): void {
    this.state = 'lagging';
    this.peer.outbox.sendMessage({ type: 'status', channel: this.channel, state: 'lagging' });
    this.slowTimer = setTimeout(onSlow, ms);
  }

  fail(error: ErrorValue): void {
    this.peer.outbox.sendMessage({ type: 'error', channel: this.channel, ...error });
  }
}
