/**
 * One page's view of one session: the (connection, channel) pair, its role, its ack window and where it
 * is in the stream. Owned by the session; the connection only keeps it in its channel table.
 */
import { HIGH_WATERMARK, LOW_WATERMARK, VIEWER_HIGH_WATERMARK } from '../protocol/limits.ts';
import type { ClientRole, SessionRole } from '../protocol/messages.ts';
import { AckWindow } from './flow-control.ts';
import type { Outbox } from './outbox.ts';

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

  clearSlowTimer(): void {
    if (this.slowTimer) clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
  }
}
