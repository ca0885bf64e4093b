/**
 * In a student's session, the student's pages are told whether a presenter page is watching it (the
 * class panel's view of their terminal): when that changes, and not at all until a presenter first came,
 * so a page that was never watched gets no message.
 */
import type { Attachment } from './attachment.ts';

export class WatchedNotices {
  /** What each student page was told last; weak, so a detached page is forgotten with it. */
  private readonly told = new WeakMap<Attachment, boolean>();

  /** The session's pages changed (one attached or left): tells the student pages what changed for them. */
  update(attachments: Iterable<Attachment>): void {
    const pages = [...attachments];
    const watching = pages.some((a) => a.peer.role === 'presenter');
    for (const a of pages) {
      if (a.peer.role !== 'student' || this.told.get(a) === watching) continue;
      if (watching || this.told.has(a)) a.peer.outbox.sendMessage({ type: 'watched', channel: a.channel, watching });
      this.told.set(a, watching);
    }
  }
}
