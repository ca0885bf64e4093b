/**
 * The page's one WebSocket to the lab server, shared by every lab pane (one channel each).
 *
 * A page not served by the lab server (a static copy of the deck) is "offline" at once. Otherwise it
 * first asks GET /api/status: no answer (the server is down) means "offline", no role means the page was not opened with the start URL's token. Then hello/welcome, and every channel is
 * (re)attached; a dropped connection is retried with a growing delay, and an offline page keeps asking
 * from time to time, so a lab server started later is found. Every frame that comes in goes through the
 * protocol's parse function; what does not parse is ignored, never thrown.
 */
import { decodeOutputFrame } from '../protocol/frame.ts';
import { PROTOCOL_VERSION } from '../protocol/limits.ts';
import { encodeMessage, LAB_SERVER_META, type ClientMessage, type ClientRole, type LabInfo, type ServerMessage } from '../protocol/messages.ts';
import { parseServerMessage } from '../protocol/validate.ts';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'unauthorized';

export interface ChannelHandler {
  readonly lab: string;
  readonly mode: 'write' | 'view';
  /** The terminal's size, sent with each attach. */
  size(): { readonly cols: number; readonly rows: number };
  message(message: ServerMessage): void;
  output(data: Uint8Array): void;
}

/** Reconnection delays, ms: doubled from the first up to the last, with some jitter. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;
/** How often an offline page looks for a lab server again. */
const OFFLINE_PROBE_MS = 15_000;

type Probe = { readonly kind: 'ok'; readonly role: ClientRole } | { readonly kind: 'offline' | 'unauthorized' };

async function probeStatus(): Promise<Probe> {
  try {
    const response = await fetch('/api/status', { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) return { kind: 'offline' };
    const body: unknown = await response.json();
    const role = typeof body === 'object' && body !== null ? (body as { role?: unknown }).role : undefined;
    if (role === null) return { kind: 'unauthorized' };
    return role === 'presenter' || role === 'audience' ? { kind: 'ok', role } : { kind: 'offline' };
  } catch {
    return { kind: 'offline' };
  }
}

export class LabConnection {
  state: ConnectionState = 'connecting';
  role: ClientRole | undefined;
  labs: readonly LabInfo[] = [];
  private socket: WebSocket | undefined;
  private readonly channels = new Map<number, ChannelHandler>();
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  /** Told the room's slide: in the welcome (a late joiner), then on each move of the presenter. */
  onRoomSlide: ((index: number) => void) | undefined;
  private retryMs = RETRY_FIRST_MS;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private welcomed = false;
  private stopped = false;

  start(): void {
    if (document.querySelector(`meta[name="${LAB_SERVER_META}"]`) === null) return this.setState('offline');
    void this.connect();
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  /** Registers a pane; it is attached now if the connection is live, else as soon as it is. */
  open(handler: ChannelHandler): number {
    let channel = 0;
    while (this.channels.has(channel)) channel++;
    this.channels.set(channel, handler);
    if (this.welcomed) this.attach(channel, handler);
    return channel;
  }

  /** Forgets a pane (it replays a recording now): detached from its session, not attached again. */
  close(channel: number): void {
    if (!this.channels.delete(channel)) return;
    this.send({ type: 'detach', channel });
  }

  /** Sends a message if the connection is live; returns whether it was sent. */
  send(message: ClientMessage): boolean {
    if (!this.welcomed || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(encodeMessage(message));
    return true;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(1000);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const probe = await probeStatus();
    if (probe.kind !== 'ok') {
      this.setState(probe.kind);
      this.retry(OFFLINE_PROBE_MS);
      return;
    }
    this.role = probe.role;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/ws`);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.addEventListener('open', () => socket.send(encodeMessage({ type: 'hello', version: PROTOCOL_VERSION })));
    socket.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.welcomed = false;
      if (this.stopped) return;
      this.setState('reconnecting');
      this.retry(this.retryMs);
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    });
  }

  private retry(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), ms * (0.8 + Math.random() * 0.4));
  }

  private receive(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      const frame = decodeOutputFrame(new Uint8Array(data));
      if (frame) this.channels.get(frame.channel)?.output(frame.payload);
      return;
    }
    if (typeof data !== 'string') return;
    const parsed = parseServerMessage(data);
    if (!parsed.ok) return;
    const message = parsed.message;
    if (message.type === 'welcome') {
      this.welcomed = true;
      this.role = message.role;
      this.labs = message.labs;
      this.retryMs = RETRY_FIRST_MS;
      for (const [channel, handler] of this.channels) this.attach(channel, handler);
      this.setState('live');
      if (message.slide !== undefined) this.onRoomSlide?.(message.slide);
      return;
    }
    if (message.type === 'slide') return this.onRoomSlide?.(message.index);
    if ('channel' in message && message.channel !== undefined) this.channels.get(message.channel)?.message(message);
    else if (message.type === 'error') console.warn(`lab server: ${message.message}`);
  }

  private attach(channel: number, handler: ChannelHandler): void {
    const { cols, rows } = handler.size();
    this.send({ type: 'attach', channel, lab: handler.lab, cols, rows, mode: handler.mode });
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}
