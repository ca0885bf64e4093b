/**
 * A lean scripted page for the bench: the shared protocol client (scripts/lib/protocol-client.ts) on one
 * channel, its output counted, not kept (optionally hashed), acked every ACK_SIZE bytes as the pane does,
 * or stalled like a page that stopped reading.
 */
import { createHash, type Hash } from 'node:crypto';
import type { ClientMessage, ServerMessage } from '../src/protocol/messages.ts';
import { connectSocket, ProtocolClient } from '../scripts/lib/protocol-client.ts';

export interface Target {
  readonly port: number;
  readonly origin: string;
  readonly presenterCookie: string;
  readonly audienceCookie: string;
}

/** The bench waits longer than the tests: a loaded server is what it measures. */
const WAIT_MS = 60_000;

export class BenchClient {
  /** Called with each text message as it arrives (the classroom's slide timings). */
  onMessage: ((message: ServerMessage) => void) | undefined;
  /** Called with each output payload (echo probes). */
  onOutput: ((payload: Buffer) => void) | undefined;
  /** Snapshots received after the first one: this page fell behind and was resynchronised. */
  resyncs = 0;
  /** When the watched text was first seen (performance.now()), 0 until then. */
  seenAt = 0;
  private snapshots = 0;
  private tail = '';
  private marker: string | undefined;
  private markerSeen = false;
  private hash: Hash | undefined;

  private constructor(private readonly client: ProtocolClient) {
    client.onMessage = (message) => {
      this.onMessage?.(message);
      if (message.type !== 'snapshot') return;
      if (++this.snapshots > 1) this.resyncs++;
      this.look(message.data);
    };
    client.onOutput = (_channel, payload) => {
      this.hash?.update(payload);
      const text = Buffer.from(payload.subarray(-64)).toString('latin1');
      this.look(this.tail + text);
      this.tail = (this.tail + text).slice(-64);
      this.onOutput?.(Buffer.from(payload.buffer, payload.byteOffset, payload.length));
    };
  }

  static async open(
    target: Target,
    options: { readonly audience?: boolean; readonly ack?: boolean } = {},
  ): Promise<BenchClient> {
    const endpoint = {
      port: target.port,
      origin: target.origin,
      cookie: options.audience ? target.audienceCookie : target.presenterCookie,
    };
    const client = new ProtocolClient(await connectSocket(endpoint), { ack: options.ack ?? true, keep: false });
    await client.hello(WAIT_MS);
    return new BenchClient(client);
  }

  /** Output bytes received so far. */
  get bytes(): number {
    return this.client.byteCount(0);
  }

  get messages(): readonly ServerMessage[] {
    return this.client.messages;
  }

  send(message: ClientMessage): void {
    this.client.send(message);
  }

  /** Attaches channel 0 to (room, lab) and waits for the snapshot. */
  async attach(room: string, options: { readonly lab?: string; readonly mode?: 'write' | 'view' } = {}): Promise<void> {
    this.send({
      type: 'attach',
      channel: 0,
      lab: options.lab ?? 'bench',
      room,
      cols: 120,
      rows: 36,
      ...(options.mode ? { mode: options.mode } : {}),
    });
    const reply = await this.client.until(
      () => this.messages.find((m) => m.type === 'snapshot' || m.type === 'error'),
      'snapshot',
      WAIT_MS,
    );
    const failure = reply.type === 'error' ? reply : this.messages.find((m) => m.type === 'error');
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
    this.client.stall();
  }

  close(): void {
    this.client.terminate();
  }
}
