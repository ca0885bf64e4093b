/**
 * A page without a browser, for every script, test and bench that talks to the lab server: one WebSocket
 * to /ws with a cookie and an Origin, every server message parsed with the protocol's own
 * parseServerMessage, output acked like the pane acks it (ACK_SIZE bytes at a time, unless told to
 * stall), and event-driven waits instead of sleeps. What each user does with the output (keep it, hash
 * it, feed a headless screen) is its own: `keep`, `onOutput`, `onMessage`, `watch`.
 */
import WebSocket from 'ws';
import { decodeOutputFrame } from '../../src/protocol/frame.ts';
import { ACK_SIZE, PROTOCOL_VERSION } from '../../src/protocol/limits.ts';
import { encodeMessage, type ClientMessage, type ServerMessage } from '../../src/protocol/messages.ts';
import { parseServerMessage } from '../../src/protocol/validate.ts';

export type MessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
export type AttachMessage = Extract<ClientMessage, { type: 'attach' }>;

/** Where and as whom to connect: no cookie is an unauthenticated page, a null origin sends none. */
export interface Endpoint {
  readonly port: number;
  readonly origin: string | null;
  readonly cookie: string | undefined;
}

export interface ClientOptions {
  /** Ack output as it arrives (default true); false models a page whose terminal stopped writing. */
  readonly ack?: boolean;
  /** Keep the output per channel (default true); false only counts it, for floods. */
  readonly keep?: boolean;
}

/** Opens the WebSocket; rejects with the HTTP status when the server refuses the upgrade. */
export function connectSocket(endpoint: Endpoint): Promise<WebSocket> {
  const headers: Record<string, string> = {};
  if (endpoint.cookie) headers['Cookie'] = endpoint.cookie;
  if (endpoint.origin !== null) headers['Origin'] = endpoint.origin;
  const socket = new WebSocket(`ws://127.0.0.1:${endpoint.port}/ws`, { headers, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

export class ProtocolClient {
  readonly messages: ServerMessage[] = [];
  /** Server frames that did not parse (must stay empty: the server only sends valid messages). */
  readonly invalid: string[] = [];
  /** Called with each message as it arrives, before any waiter looks. */
  onMessage: ((message: ServerMessage) => void) | undefined;
  /** Called with each output payload as it arrives, before any waiter looks. */
  onOutput: ((channel: number, payload: Uint8Array) => void) | undefined;
  closed = false;
  closeCode: number | undefined;
  ack: boolean;
  private readonly keep: boolean;
  private readonly output = new Map<number, Buffer[]>();
  private readonly outputBytes = new Map<number, number>();
  private readonly unacked = new Map<number, number>();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly socket: WebSocket,
    options: ClientOptions = {},
  ) {
    this.ack = options.ack ?? true;
    this.keep = options.keep ?? true;
    socket.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    socket.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      this.notify();
    });
  }

  /** Says hello and waits for the welcome. */
  async hello(timeoutMs?: number): Promise<MessageOf<'welcome'>> {
    this.send({ type: 'hello', version: PROTOCOL_VERSION });
    return this.next('welcome', undefined, 0, timeoutMs);
  }

  send(message: ClientMessage): void {
    this.socket.send(encodeMessage(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Attaches and waits for `attached` and the first snapshot on that channel. */
  async attachWith(message: Omit<AttachMessage, 'type'>, timeoutMs?: number) {
    const from = this.messages.length;
    this.send({ type: 'attach', ...message });
    const attached = await this.next('attached', (m) => m.channel === message.channel, from, timeoutMs);
    const snapshot = await this.next('snapshot', (m) => m.channel === message.channel, from, timeoutMs);
    return { attached, snapshot };
  }

  /** The first message of this type (matching `where`) received at index `from` or later. */
  next<T extends ServerMessage['type']>(
    type: T,
    where: (message: MessageOf<T>) => boolean = () => true,
    from = 0,
    timeoutMs = 15_000,
  ): Promise<MessageOf<T>> {
    return this.until(
      () => {
        for (let i = from; i < this.messages.length; i++) {
          const message = this.messages[i] as ServerMessage;
          if (message.type === type && where(message as MessageOf<T>)) return message as MessageOf<T>;
        }
        return undefined;
      },
      `message ${type}`,
      timeoutMs,
    );
  }

  bytes(channel: number): Buffer {
    return Buffer.concat(this.output.get(channel) ?? []);
  }

  byteCount(channel: number): number {
    return this.outputBytes.get(channel) ?? 0;
  }

  text(channel: number): string {
    return this.bytes(channel).toString('utf8');
  }

  /** Waits until the channel's output (since the connection opened) contains `needle`. */
  waitForOutput(channel: number, needle: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const found = (text: string): boolean => (typeof needle === 'string' ? text.includes(needle) : needle.test(text));
    return this.until(
      () => (found(this.text(channel)) ? this.text(channel) : undefined),
      `output "${String(needle)}"`,
      timeoutMs,
    );
  }

  /** Acks everything received and not acked yet (a page catching up). */
  ackAll(channel: number): void {
    const pending = this.unacked.get(channel) ?? 0;
    if (pending > 0) this.send({ type: 'ack', channel, bytes: pending });
    this.unacked.set(channel, 0);
  }

  /** Forgets collected output (keeps counting bytes), e.g. to watch a fresh command. */
  clearOutput(channel: number): void {
    this.output.set(channel, []);
  }

  /** Stops reading the socket altogether: the kernel buffers fill, the server sees a stalled page. */
  stall(): void {
    this.rawSocket()?.pause();
  }

  /** Reads the socket again after stall(). */
  unstall(): void {
    this.rawSocket()?.resume();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.socket.close();
    return this.until(() => this.closed || undefined, 'close').then(() => undefined);
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** Calls `listener` after each message, output frame or close; returns what stops it. */
  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first value `check` returns other than undefined, checked now and on each event. */
  until<T>(check: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const stop = this.watch(() => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        stop();
        resolve(value);
      });
      const timer = setTimeout(() => {
        stop();
        reject(
          new Error(
            `timed out waiting for ${what}; last messages: ${this.lastMessages()}; output tails: ${this.outputTails()}`,
          ),
        );
      }, timeoutMs);
    });
  }

  /** The last few messages, the welcome's long lab list cut short: what a timeout's reader needs. */
  private lastMessages(): string {
    const last = this.messages.slice(-6).map((m) => (m.type === 'welcome' ? { type: 'welcome' } : m));
    return JSON.stringify(last).slice(0, 1200);
  }

  /** Each channel's last output, as the terminal would show it (escapes and all). */
  private outputTails(): string {
    const tails = [...this.output.keys()].map((channel) => [channel, this.text(channel).slice(-300)]);
    return JSON.stringify(Object.fromEntries(tails));
  }

  // ws keeps its net.Socket private; pausing it is the only way to model a page that stops reading.
  private rawSocket(): { pause(): void; resume(): void } | undefined {
    return (this.socket as unknown as { _socket?: { pause(): void; resume(): void } })._socket;
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      const frame = decodeOutputFrame(data);
      if (frame) this.received(frame.channel, frame.payload);
    } else {
      const result = parseServerMessage(data.toString('utf8'));
      if (result.ok) {
        this.messages.push(result.message);
        this.onMessage?.(result.message);
      } else this.invalid.push(`${result.error.message}: ${data.toString('utf8').slice(0, 200)}`);
    }
    this.notify();
  }

  private received(channel: number, payload: Uint8Array): void {
    if (this.keep) {
      const list = this.output.get(channel) ?? [];
      list.push(Buffer.from(payload));
      this.output.set(channel, list);
    }
    this.outputBytes.set(channel, (this.outputBytes.get(channel) ?? 0) + payload.length);
    this.onOutput?.(channel, payload);
    // Like the pane: ack once ACK_SIZE bytes have been "written" (a smaller remainder may stay unacked).
    const pending = (this.unacked.get(channel) ?? 0) + payload.length;
    if (this.ack && pending >= ACK_SIZE) {
      this.send({ type: 'ack', channel, bytes: pending });
      this.unacked.set(channel, 0);
    } else {
      this.unacked.set(channel, pending);
    }
  }

  private notify(): void {
    // Most frames of a flood have no one waiting: no copy of an empty set for them.
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) listener();
  }
}
