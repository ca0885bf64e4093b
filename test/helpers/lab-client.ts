/**
 * A scripted page: one WebSocket to /ws with a cookie and an Origin, every server message parsed with
 * the protocol's own parseServerMessage, output collected per channel, acked like xterm.js would
 * (unless told to stall), and "wait until" helpers instead of sleeps.
 */
import WebSocket from 'ws';
import { decodeOutputFrame } from '../../src/protocol/frame.ts';
import { ACK_SIZE, PROTOCOL_VERSION } from '../../src/protocol/limits.ts';
import { encodeMessage, type ClientMessage, type ServerMessage } from '../../src/protocol/messages.ts';
import { parseServerMessage } from '../../src/protocol/validate.ts';
import type { TestServer } from './lab-server.ts';

export type MessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export interface ConnectOptions {
  readonly role?: 'presenter' | 'audience' | 'none';
  readonly origin?: string | null;
  readonly cookie?: string;
  /** Ack output as it arrives (default true); false models a page whose terminal stopped writing. */
  readonly ack?: boolean;
  /** Keep the output (default true); false only counts it, for floods. */
  readonly keep?: boolean;
}

export class LabClient {
  readonly messages: ServerMessage[] = [];
  /** Server frames that did not parse (must stay empty: the server only sends valid messages). */
  readonly invalid: string[] = [];
  private readonly output = new Map<number, Buffer[]>();
  private readonly outputBytes = new Map<number, number>();
  private readonly unacked = new Map<number, number>();
  private readonly waiters = new Set<() => void>();
  closed = false;
  closeCode: number | undefined;

  private constructor(
    readonly socket: WebSocket,
    public ack: boolean,
    private readonly keep: boolean,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    socket.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      this.notify();
    });
  }

  static connect(server: TestServer, options: ConnectOptions = {}): Promise<LabClient> {
    const role = options.role ?? 'presenter';
    const cookie = options.cookie ?? (role === 'presenter' ? server.presenterCookie : role === 'audience' ? server.audienceCookie : undefined);
    const headers: Record<string, string> = {};
    if (cookie) headers['Cookie'] = cookie;
    const origin = options.origin === undefined ? server.origin : options.origin;
    if (origin !== null) headers['Origin'] = origin;
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers, perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new LabClient(socket, options.ack ?? true, options.keep ?? true)));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Connects, says hello and waits for the welcome. */
  static async open(server: TestServer, options: ConnectOptions = {}): Promise<LabClient> {
    const client = await LabClient.connect(server, options);
    client.send({ type: 'hello', version: PROTOCOL_VERSION });
    await client.next('welcome');
    return client;
  }

  send(message: ClientMessage): void {
    this.socket.send(encodeMessage(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Attaches and waits for `attached` and the first snapshot. */
  async attach(channel: number, lab = 'shell', extra: Partial<Omit<Extract<ClientMessage, { type: 'attach' }>, 'type'>> = {}) {
    const from = this.messages.length;
    this.send({ type: 'attach', channel, lab, cols: 80, rows: 24, ...extra });
    const attached = await this.next('attached', (m) => m.channel === channel, from);
    const snapshot = await this.next('snapshot', (m) => m.channel === channel, from);
    return { attached, snapshot };
  }

  /** The first message of this type (matching `where`) received at index `from` or later. */
  next<T extends ServerMessage['type']>(
    type: T,
    where: (message: MessageOf<T>) => boolean = () => true,
    from = 0,
    timeoutMs = 15_000,
  ): Promise<MessageOf<T>> {
    return this.until(() => {
      for (let i = from; i < this.messages.length; i++) {
        const message = this.messages[i] as ServerMessage;
        if (message.type === type && where(message as MessageOf<T>)) return message as MessageOf<T>;
      }
      return undefined;
    }, `message ${type}`, timeoutMs);
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
    return this.until(() => (found(this.text(channel)) ? this.text(channel) : undefined), `output "${String(needle)}"`, timeoutMs);
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
    const raw = (this.socket as unknown as { _socket?: { pause(): void } })._socket;
    raw?.pause();
  }

  /** Reads the socket again after stall(). */
  unstall(): void {
    const raw = (this.socket as unknown as { _socket?: { resume(): void } })._socket;
    raw?.resume();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.socket.close();
    return this.until(() => this.closed || undefined, 'close').then(() => undefined);
  }

  terminate(): void {
    this.socket.terminate();
  }

  until<T>(check: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${what}; last messages: ${JSON.stringify(this.messages.slice(-5)).slice(0, 800)}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      const frame = decodeOutputFrame(data);
      if (frame) {
        if (this.keep) {
          const list = this.output.get(frame.channel) ?? [];
          list.push(Buffer.from(frame.payload));
          this.output.set(frame.channel, list);
        }
        this.outputBytes.set(frame.channel, (this.outputBytes.get(frame.channel) ?? 0) + frame.payload.length);
        // Like the pane: ack once ACK_SIZE bytes have been "written" (a smaller remainder may stay unacked).
        const pending = (this.unacked.get(frame.channel) ?? 0) + frame.payload.length;
        if (this.ack && pending >= ACK_SIZE) {
          this.send({ type: 'ack', channel: frame.channel, bytes: pending });
          this.unacked.set(frame.channel, 0);
        } else {
          this.unacked.set(frame.channel, pending);
        }
      }
    } else {
      const result = parseServerMessage(data.toString('utf8'));
      if (result.ok) this.messages.push(result.message);
      else this.invalid.push(`${result.error.message}: ${data.toString('utf8').slice(0, 200)}`);
    }
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
