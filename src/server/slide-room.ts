/**
 * The classroom's slide: the presenter's page says which slide it shows, every other page of the server
 * hears it at once, and a page that joins later is told in its welcome. Only a presenter moves it; the
 * audience's pages follow (or browse on their own, locally). Each page gets it through its own outbox,
 * so a slow one never holds the others back (the outbox gives up on a page that stops reading).
 */
import { errorValue, type ErrorValue } from '../protocol/errors.ts';
import type { Peer } from './attachment.ts';

export class SlideRoom {
  private index: number | undefined;
  private readonly members = new Set<Peer>();

  get current(): number | undefined {
    return this.index;
  }

  join(member: Peer): void {
    this.members.add(member);
  }

  leave(member: Peer): void {
    this.members.delete(member);
  }

  /** The presenter `from` shows slide `index`; refused, with the reason, for anyone else. */
  move(from: Peer, index: number): ErrorValue | undefined {
    if (from.role !== 'presenter') return errorValue('AUDIENCE_FOLLOWS');
    if (index === this.index) return undefined;
    this.index = index;
    for (const member of this.members) {
      if (member !== from) member.outbox.sendMessage({ type: 'slide', index });
    }
    return undefined;
  }
}
