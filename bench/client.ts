/**
 * A lean scripted page for the bench: one WebSocket, one channel, bytes counted (optionally hashed),
 * acked every ACK_SIZE bytes as the pane does, or stalled like a page that stopped reading.
 */
import { createHash, type Hash } from 'node:crypto';
import WebSocket from 'ws';
import { decodeOutputFrame } from '../src/protocol/frame.ts';
import { ACK_SIZE, PROTOCOL_VERSION } from '../src/protocol/limits.ts';
import { encodeMessage, type ClientMessage, type ServerMessage } from '../src/protocol/messages.ts';
import { parseServerMessage } from '../src/protocol/validate.ts';
import { until } from './stats.ts';

export interface Target {
  readonly port: number;
  readonly origin: string;
  readonly presenterCookie: string;
  readonly audienceCookie: string;
}

export class BenchClient {
  bytes = 0;
  readonly messages: ServerMessage[] = [];
  /** Called with each text message as it arrives (the classroom's slide timings). */
  onMessage: ((message: ServerMessage) => void) | undefined;
  /** Called with each output payload (echo probes). */
  onOutput: ((payload: Buffer) => void) | undefined;
  /** Snapshots received after the first one: this page fell behind and was resynchronised. */
  resyncs = 0;
  private unacked = 0;
  private tail = '';
  private marker: string | undefined;
  private markerSeen = false;
  private hash: Hash | undefined;

  private constructor(
    private readonly socket: WebSocket,
    private readonly acking: boolean,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        const result = parseServerMessage(data.toString('utf8'));
        if (!result.ok) return;
        this.messages.push(result.message);
        this.onMessage?.(result.message);
        if (result.message.type === 'snapshot') {
          if (this.messages.filter((m) => m.type === 'snapshot').length > 1) this.resyncs++;
          this.look(result.message.data);
        }
        return;
      }
      const frame = decodeOutputFrame(data);
      if (!frame) return;
      const payload = frame.payload;
      this.bytes += payload.length;
      this.hash?.update(payload);
      const text = Buffer.from(payload.subarray(-64)).toString('latin1');
      this.look(this.tail + text);
      this.tail = (this.tail + text).slice(-64);
      this.onOutput?.(Buffer.from(payload.buffer, payload.byteOffset, payload.length));
      this.unacked += payload.length;
      if (this.acking && this.unacked >= ACK_SIZE) {
        this.send({ type: 'ack', channel: 0, bytes: this.unacked });
        this.unacked = 0;
      }
    });
  }

  static async open(target: Target, options: { readonly audience?: boolean; readonly ack?: boolean } = {}): Promise<BenchClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${target.port}/ws`, {
      headers: { Origin: target.origin, Cookie: options.audience ? target.audienceCookie : target.presenterCookie },
      perMessageDeflate: false,
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const client = new BenchClient(socket, options.ack ?? true);
    client.send({ type: 'hello', version: PROTOCOL_VERSION });
    await until(() => client.messages.some((m) => m.type === 'welcome'), 'welcome');
    return client;
  }

  send(message: ClientMessage): void {
    this.socket.send(encodeMessage(message));
  }

  /** Attaches channel 0 to (room, lab) and waits for the snapshot. */
  async attach(room: string, options: { readonly lab?: string; readonly mode?: 'write' | 'view' } = {}): Promise<void> {
    this.send({ type: 'attach', channel: 0, lab: options.lab ?? 'bench', room, cols: 120, rows: 36, ...(options.mode ? { mode: options.mode } : {}) });
    await until(() => this.messages.some((m) => m.type === 'snapshot'), 'snapshot');
    const failure = this.messages.find((m) => m.type === 'error');
    if (failure?.type === 'error') throw new Error(`bench: attach failed: ${failure.code} ${failure.message}`);
  }

  input(data: string): void {
    this.send({ type: 'input', channel: 0, data });
  }

  /** Output seen so far ends with (or recently contained) `text`. */
  sawRecently(text: string): boolean {
    return this.tail.includes(text);
  }

  /** Watches for `text` in the output and in snapshots from now on (see `seen`). */
  watch(text: string): void {
    this.marker = text;
    this.markerSeen = false;
  }

  get seen(): boolean {
    return this.markerSeen;
  }

  /** When the watched text was first seen (performance.now()), 0 until then. */
  seenAt = 0;

  private look(text: string): void {
    if (this.marker !== undefined && !this.markerSeen && text.includes(this.marker)) {
      this.markerSeen = true;
      this.seenAt = performance.now();
    }
  }

  startHash(): void {
    this.hash = createHash('sha256');
  }

  digest(): string {
    return this.hash?.digest('hex') ?? '';
  }

  /** Stops reading the socket: the kernel buffers fill and the server sees a stalled page. */
  stall(): void {
    (this.socket as unknown as { _socket?: { pause(): void } })._socket?.pause();
  }

  close(): void {
    this.socket.terminate();
  }
}
