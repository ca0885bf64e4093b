/**
 * The WebSocket door at /ws. Every check happens on the HTTP upgrade request, before the WebSocket
 * exists and long before any shell is spawned: exact Origin allow-list (403), a valid cookie (401), the
 * client caps (connection-limits.ts: 503 when full, or full for the audience, 429 for one address).
 * Then a heartbeat drops connections whose peer went away without a goodbye.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HEARTBEAT_MS, MAX_PAYLOAD_BYTES } from '../protocol/limits.ts';
import type { Auth } from './auth.ts';
import { Connection, type LabContext } from './connection.ts';
import { ClientLimits } from './connection-limits.ts';
import { Disposable, disposableInterval, toDisposable } from './lifecycle.ts';
import type { Student } from './students.ts';

export const WS_PATH = '/ws';

export interface GatewayOptions {
  readonly auth: Auth<Student>;
  readonly context: LabContext;
  readonly maxClients: number;
  /** WebSocket connections per (address, role). */
  readonly maxPerAddress: number;
  /** Told when a socket became an authenticated WebSocket (it no longer counts as pending). */
  readonly onAuthenticated?: (socket: Socket) => void;
  /** Exact `scheme://host:port` strings; read on each upgrade (the port is known only after listen). */
  readonly origins: () => ReadonlySet<string>;
}

function refuse(socket: Duplex, status: number, text: string): void {
  const body = `${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export class Gateway extends Disposable {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD_BYTES,
    // pty output is dense already; deflate cut ttyd's throughput to a third on two cores.
    perMessageDeflate: false,
    clientTracking: false,
  });
  private readonly connections = new Set<Connection>();
  private readonly limits: ClientLimits;
  private accepting = true;

  constructor(private readonly options: GatewayOptions) {
    super();
    this.limits = new ClientLimits(options.maxClients, options.maxPerAddress);
    this.register(
      disposableInterval(HEARTBEAT_MS, () => {
        for (const connection of this.connections) if (!connection.beat()) connection.terminate();
      }),
    );
    this.register(toDisposable(() => this.wss.close()));
  }

  get clientCount(): number {
    return this.connections.size;
  }

  /** Takes an upgrade for /ws (answering or refusing it); returns false for any other path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    let pathname: string;
    try {
      pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    } catch {
      return false;
    }
    if (pathname !== WS_PATH) return false;
    socket.on('error', () => socket.destroy());
    if (!this.accepting) return (refuse(socket, 503, 'Le serveur de labs s’arrête.'), true);
    const origin = request.headers.origin;
    if (origin === undefined || !this.options.origins().has(origin)) {
      return (refuse(socket, 403, 'Origine refusée.'), true);
    }
    const identity = this.options.auth.identify(request);
    if (!identity) return (refuse(socket, 401, 'Non connecté : ouvrez l’adresse affichée au démarrage.'), true);
    const ticket = this.limits.admit(identity.role, request.socket.remoteAddress);
    if ('status' in ticket) return (refuse(socket, ticket.status, ticket.text), true);
    // Released once, whichever comes first: the upgrade failing (socket closed) or the connection ending.
    socket.once('close', () => ticket.release());
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      if (!this.accepting) return ws.close(1001, 'arrêt');
      this.options.onAuthenticated?.(request.socket);
      const connection = new Connection(ws, identity, this.options.context, (closed) => {
        this.connections.delete(closed);
        ticket.release();
      });
      this.connections.add(connection);
    });
    return true;
  }

  /** Refuses new upgrades and closes every connection (1001: going away). */
  closeAll(): void {
    this.accepting = false;
    for (const connection of this.connections) connection.close(1001, 'arrêt du serveur');
  }

  /** Hard stop for what did not close politely. */
  terminateAll(): void {
    for (const connection of this.connections) connection.terminate();
  }
}
