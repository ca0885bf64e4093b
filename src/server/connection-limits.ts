/**
 * How many connections the server takes, and from whom: WebSockets by role and by address (a share
 * reserved for the presenter, a cap per address), and sockets that have not authenticated yet. Each
 * admission is a ticket released once; the gateway and the HTTP server hold them.
 */
import type { Socket } from 'node:net';
import type { ClientRole } from '../protocol/messages.ts';
import { MAX_PENDING_PER_ADDRESS, MAX_PENDING_SOCKETS, PRESENTER_RESERVED_CLIENTS } from './server-limits.ts';

export interface Refusal {
  readonly status: number;
  readonly text: string;
}

export interface Ticket {
  release(): void;
}

/** `::ffff:192.168.1.5` and `192.168.1.5` are the same machine. */
export function addressKey(address: string | undefined): string {
  const value = address ?? '';
  return value.startsWith('::ffff:') ? value.slice('::ffff:'.length) : value;
}

function counter(): { get(key: string): number; add(key: string, delta: number): void } {
  const counts = new Map<string, number>();
  return {
    get: (key) => counts.get(key) ?? 0,
    add(key, delta) {
      const next = (counts.get(key) ?? 0) + delta;
      if (next <= 0) counts.delete(key);
      else counts.set(key, next);
    },
  };
}

/** Authenticated WebSocket connections. */
export class ClientLimits {
  private total = 0;
  private audience = 0;
  private readonly perAddress = counter();

  constructor(
    private readonly maxClients: number,
    private readonly maxPerAddress: number,
  ) {}

  get count(): number {
    return this.total;
  }

  /** A ticket, or why not (the gateway answers the upgrade with it). */
  admit(role: ClientRole, address: string | undefined): Ticket | Refusal {
    const key = `${role}\u0000${addressKey(address)}`;
    if (this.total >= this.maxClients) return { status: 503, text: 'Trop de connexions sur ce serveur de labs.' };
    if (role !== 'presenter' && this.audience >= this.maxClients - PRESENTER_RESERVED_CLIENTS) {
      return { status: 503, text: 'Salle complète : le serveur de labs n’accepte plus de page du public.' };
    }
    if (this.perAddress.get(key) >= this.maxPerAddress) {
      return { status: 429, text: 'Trop de connexions depuis cette adresse : fermez des onglets du diaporama.' };
    }
    this.total++;
    if (role !== 'presenter') this.audience++;
    this.perAddress.add(key, 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        if (role !== 'presenter') this.audience--;
        this.perAddress.add(key, -1);
      },
    };
  }
}

/** One TCP connection, the same whether seen raw ('connection') or through TLS (the upgrade's socket). */
function connectionKey(socket: Socket): string {
  return `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;
}

/**
 * Sockets of the HTTP server until they become an authenticated WebSocket (settle) or close. Over the
 * caps a new socket is destroyed before a byte is read.
 */
export class PendingSockets {
  private readonly pending = new Map<string, string>();
  private readonly perAddress = counter();

  constructor(
    private readonly max = MAX_PENDING_SOCKETS,
    private readonly maxPerAddress = MAX_PENDING_PER_ADDRESS,
  ) {}

  get count(): number {
    return this.pending.size;
  }

  /** For the HTTP server's 'connection' event. */
  readonly accept = (socket: Socket): void => {
    const address = addressKey(socket.remoteAddress);
    if (this.pending.size >= this.max || this.perAddress.get(address) >= this.maxPerAddress) {
      socket.destroy();
      return;
    }
    const key = connectionKey(socket);
    this.pending.set(key, address);
    this.perAddress.add(address, 1);
    socket.once('close', () => this.forget(key));
  };

  /** The socket is an authenticated WebSocket now: it no longer counts. */
  settle(socket: Socket): void {
    this.forget(connectionKey(socket));
  }

  private forget(key: string): void {
    const address = this.pending.get(key);
    if (address === undefined) return;
    this.pending.delete(key);
    this.perAddress.add(address, -1);
  }
}
