/**
 * The page's one WebSocket to the lab server, shared by every lab pane (one channel each).
 *
 * A page not served by the lab server (a static copy of the deck) is "offline" at once. Otherwise it
 * first asks GET /api/status: no answer (the server is down) means "offline", no role means the page was not opened with the start URL's token. Then hello/welcome, and every channel is
 * (re)attached; a dropped connection is retried with a growing delay, and an offline page keeps asking
 * from time to time, so a lab server started later is found. Every frame that comes in goes through the
 * protocol's parse function; what does not parse is ignored, never thrown.
 *
 * The role is decided when the WebSocket opens: a page that just joined a hands-on class (its cookie is
 * now a student's) calls reconnect(), and every channel is attached again where its handler now says.
 */
import { parseStatusBody, STATUS_PATH } from '../protocol/status.ts';
import { decodeOutputFrame } from '../protocol/frame.ts';
import {
  Disposable,
  DisposableStore,
  disposableTimeout,
  MutableDisposable,
  toDisposable,
  type IDisposable,
} from '../protocol/lifecycle.ts';
import { PROTOCOL_VERSION } from '../protocol/limits.ts';
import type { StudentIdentity, StudentInfo } from '../protocol/classroom.ts';
import {
  encodeMessage,
  LAB_SERVER_META,
  type ClientMessage,
  type ClientRole,
  type LabInfo,
  type ServerMessage,
} from '../protocol/messages.ts';
import { parseServerMessage } from '../protocol/validate.ts';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'unauthorized';

/** Where a channel attaches: the mode it asks for, and the room (undefined: the page's own room). */
export interface ChannelTarget {
  readonly mode: 'write' | 'view';
  readonly room?: string;
}

export interface ChannelHandler {
  readonly lab: string;
  /** Asked at each attach: a student's panes go to their own room or to the presenter's. */
  target(): ChannelTarget;
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
    const response = await fetch(STATUS_PATH, { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) return { kind: 'offline' };
    const body = parseStatusBody(await response.json());
    if (!body) return { kind: 'offline' };
    return body.role === null ? { kind: 'unauthorized' } : { kind: 'ok', role: body.role };
  } catch {
    return { kind: 'offline' };
  }
}

export class LabConnection extends Disposable {
  state: ConnectionState = 'connecting';
  role: ClientRole | undefined;
  labs: readonly LabInfo[] = [];
  /** A hands-on class: the audience may join it and get labs of its own. */
  handsOn = false;
  /** Who this page is, when its role is student. */
  student: StudentIdentity | undefined;
  private socket: WebSocket | undefined;
  private readonly channels = new Map<number, ChannelHandler>();
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  /** Told the room's slide: in the welcome (a late joiner), then on each move of the presenter. */
  onRoomSlide: ((index: number) => void) | undefined;
  /** Presenter pages of a hands-on class: the roster, each time it changes. */
  onClass: ((students: readonly StudentInfo[]) => void) | undefined;
  /** A student's page: the presenter ended the class (the student cookie is no longer valid). */
  onClassEnded: (() => void) | undefined;
  /**
   * Channels this page detached and whose `detached` answer has not come yet: not given to a new pane, or
   * a late message about the old session would reach it.
   */
  private readonly closing = new Set<number>();
  /** Bumped by each connect(): an older attempt still waiting for its probe gives up. */
  private attempt = 0;
  private retryMs = RETRY_FIRST_MS;
  /** The next attempt to connect, when one is planned. */
  private readonly retryTimer = this.register(new MutableDisposable());
  /**
   * The current socket's listeners: a socket let go of (reconnect, dispose) is closed and says nothing
   * more, whatever it still had in flight.
   */
  private readonly socketListeners = this.register(new MutableDisposable<DisposableStore>());
  private welcomed = false;

  start(): void {
    if (document.querySelector(`meta[name="${LAB_SERVER_META}"]`) === null) return this.setState('offline');
    void this.connect();
  }

  /** Calls `listener` with the state now, then on each change, until the returned disposable ends it. */
  onState(listener: (state: ConnectionState) => void): IDisposable {
    this.listeners.add(listener);
    listener(this.state);
    return toDisposable(() => this.listeners.delete(listener));
  }

  /** Registers a pane; it is attached now if the connection is live, else as soon as it is. */
  open(handler: ChannelHandler): number {
    let channel = 0;
    while (this.channels.has(channel) || this.closing.has(channel)) channel++;
    this.channels.set(channel, handler);
    if (this.welcomed) this.attach(channel, handler);
    return channel;
  }

  /** Forgets a pane (it replays a recording now): detached from its session, not attached again. */
  close(channel: number): void {
    if (!this.channels.delete(channel)) return;
    if (this.send({ type: 'detach', channel })) this.closing.add(channel);
  }

  /**
   * Opens the WebSocket again now (after a join, or when the class ended): the server decides the role
   * when it opens, and the welcome attaches every channel again.
   */
  reconnect(): void {
    if (this.isDisposed) return;
    this.dropSocket();
    this.setState('reconnecting');
    this.retryMs = RETRY_FIRST_MS;
    this.retryTimer.clear();
    void this.connect();
  }

  /** Sends a message if the connection is live; returns whether it was sent. */
  send(message: ClientMessage): boolean {
    if (!this.welcomed || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(encodeMessage(message));
    return true;
  }

  /** Closes the socket and stops reconnecting: the page no longer needs labs. */
  override dispose(): void {
    if (this.isDisposed) return;
    this.dropSocket();
    super.dispose();
    this.listeners.clear();
  }

  /** Lets go of the current socket: closed politely, its listeners removed first. */
  private dropSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.welcomed = false;
    this.closing.clear();
    this.socketListeners.clear();
    socket?.close(1000);
  }

  private async connect(): Promise<void> {
    if (this.isDisposed) return;
    const attempt = ++this.attempt;
    const probe = await probeStatus();
    if (attempt !== this.attempt || this.isDisposed) return;
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
    const listeners = new DisposableStore();
    const on = <K extends keyof WebSocketEventMap>(type: K, listener: (event: WebSocketEventMap[K]) => void): void => {
      socket.addEventListener(type, listener);
      listeners.add(toDisposable(() => socket.removeEventListener(type, listener)));
    };
    on('open', () => socket.send(encodeMessage({ type: 'hello', version: PROTOCOL_VERSION })));
    on('message', (event) => this.receive(event.data));
    on('close', () => {
      this.dropSocket();
      this.setState('reconnecting');
      this.retry(this.retryMs);
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    });
    this.socketListeners.value = listeners;
  }

  private retry(ms: number): void {
    this.retryTimer.value = disposableTimeout(ms * (0.8 + Math.random() * 0.4), () => void this.connect());
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
      this.handsOn = message.handsOn === true;
      this.student = message.role === 'student' ? message.student : undefined;
      this.retryMs = RETRY_FIRST_MS;
      for (const [channel, handler] of this.channels) this.attach(channel, handler);
      this.setState('live');
      if (message.slide !== undefined) this.onRoomSlide?.(message.slide);
      return;
    }
    if (message.type === 'slide') return this.onRoomSlide?.(message.index);
    if (message.type === 'class') return this.onClass?.(message.students);
    if (message.type === 'class-ended') return this.onClassEnded?.();
    // The answer to a detach of ours (or to one of a channel the server had already let go) frees its number.
    if (
      (message.type === 'detached' && message.reason === 'request') ||
      (message.type === 'error' && message.code === 'UNKNOWN_CHANNEL')
    ) {
      if (message.channel !== undefined && this.closing.delete(message.channel)) return;
    }
    if ('channel' in message && message.channel !== undefined) this.channels.get(message.channel)?.message(message);
    else if (message.type === 'error') console.warn(`lab server: ${message.message}`);
  }

  private attach(channel: number, handler: ChannelHandler): void {
    this.send(attachMessage(channel, handler));
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

/** The attach a handler asks for on `channel`, at its terminal's size. */
export function attachMessage(
  channel: number,
  handler: Pick<ChannelHandler, 'lab' | 'size' | 'target'>,
): ClientMessage {
  const { cols, rows } = handler.size();
  const { mode, room } = handler.target();
  return { type: 'attach', channel, lab: handler.lab, cols, rows, mode, ...(room === undefined ? {} : { room }) };
}
