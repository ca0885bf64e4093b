/**
 * One page's WebSocket, already authenticated (gateway.ts): rate limits, the hello handshake, and the
 * dispatch of each validated message to its session. Whatever a frame holds, the answer is a message
 * (an `error` with a code when it is wrong); nothing a page sends can throw past this file.
 */
import type { RawData, WebSocket } from 'ws';
import { errorValue, type ErrorValue } from '../protocol/errors.ts';
import {
  DEFAULT_ROOM,
  HELLO_TIMEOUT_MS,
  INPUT_BURST_BYTES,
  INPUT_RATE_BYTES_PER_S,
  MAX_CHANNELS_PER_CLIENT,
  MESSAGE_BURST,
  MESSAGE_RATE_PER_S,
  PROTOCOL_VERSION,
} from '../protocol/limits.ts';
import type { AttachMessage, ClientMessage, ClientRole, LabInfo } from '../protocol/messages.ts';
import { parseClientMessage } from '../protocol/validate.ts';
import type { Attachment, Peer } from './attachment.ts';
import type { LabDefinition, Readiness } from './labs.ts';
import { Disposable, disposableTimeout, listen } from './lifecycle.ts';
import { Outbox } from './outbox.ts';
import { TokenBucket } from './rate-limit.ts';
import { ATTACH_BURST, ATTACH_RATE_PER_S, OVERFLOW_CLOSE_MS } from './server-limits.ts';
import type { SessionRegistry } from './session-registry.ts';
import type { Session } from './session.ts';
import type { SlideRoom } from './slide-room.ts';

/** What connections share: the labs and the sessions. */
export interface LabContext {
  readonly labs: ReadonlyMap<string, LabDefinition>;
  readonly registry: SessionRegistry;
  readiness(lab: LabDefinition): Readiness;
  labInfos(): LabInfo[];
  readonly slides: SlideRoom;
}

interface Channel {
  readonly session: Session;
  readonly attachment: Attachment;
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class Connection extends Disposable implements Peer {
  readonly outbox: Outbox;
  /** Set by each pong; the gateway's heartbeat drops a connection that stays silent for a whole beat. */
  alive = true;
  private readonly channels = new Map<number, Channel>();
  private greeted = false;
  private readonly messageBudget = new TokenBucket(MESSAGE_RATE_PER_S, MESSAGE_BURST);
  private readonly inputBudget = new TokenBucket(INPUT_RATE_BYTES_PER_S, INPUT_BURST_BYTES);
  /** Attaches and resets: each costs a full screen (server-limits.ts). */
  private readonly attachBudget = new TokenBucket(ATTACH_RATE_PER_S, ATTACH_BURST);

  constructor(
    private readonly socket: WebSocket,
    readonly role: ClientRole,
    private readonly context: LabContext,
    onClosed: (connection: Connection) => void,
  ) {
    super();
    this.outbox = new Outbox(socket, () => this.overflow());
    this.register(listen(socket, 'message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary)));
    this.register(listen(socket, 'pong', () => (this.alive = true)));
    this.register(listen(socket, 'error', () => socket.terminate()));
    this.register(
      listen(socket, 'close', () => {
        this.dispose();
        onClosed(this);
      }),
    );
    this.register(
      disposableTimeout(HELLO_TIMEOUT_MS, () => {
        if (!this.greeted) this.close(1008, 'hello attendu');
      }),
    );
  }

  /** Heartbeat: ping, and report whether a pong came since the previous beat. */
  beat(): boolean {
    if (!this.alive) return false;
    this.alive = false;
    this.socket.ping();
    return true;
  }

  released(channel: number): void {
    this.channels.delete(channel);
  }

  /** Sends what is queued (an error saying why, `detached` messages), then the close frame. */
  close(code: number, reason: string): void {
    this.outbox.drain();
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  /**
   * The page stopped reading and its send buffer reached CONNECTION_BUFFER_CAP (or a send failed): a
   * close frame says why, and the socket is cut soon after, since a page that does not read will not
   * read that either, and its buffer is what must be freed.
   */
  private overflow(): void {
    this.socket.close(1008, 'tampon d’envoi plein : la page ne lit plus');
    setTimeout(() => this.socket.terminate(), OVERFLOW_CLOSE_MS).unref();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    for (const { session, attachment } of [...this.channels.values()]) session.detach(attachment, 'ended', false);
    this.context.slides.leave(this);
    this.outbox.close();
    super.dispose();
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.isDisposed) return;
    if (!this.messageBudget.take()) {
      this.error(errorValue('RATE_LIMITED'));
      this.close(1008, 'trop de messages');
      return;
    }
    if (isBinary) return this.error(errorValue('BINARY_NOT_ACCEPTED'));
    const result = parseClientMessage(toBytes(data));
    if (!result.ok) return this.error(result.error, result.channel);
    try {
      this.dispatch(result.message);
    } catch (error) {
      // A bug in a handler must not cost the classroom its server: report it and carry on.
      console.error('lab server: message handler failed', error);
      this.error(errorValue('INTERNAL'), 'channel' in result.message ? result.message.channel : undefined);
    }
  }

  private dispatch(message: ClientMessage): void {
    if (message.type === 'hello') return this.hello(message.version);
    if (!this.greeted) return this.error(errorValue('HELLO_REQUIRED'), 'channel' in message ? message.channel : undefined);
    if ((message.type === 'attach' || message.type === 'reset') && !this.attachBudget.take()) {
      return this.error(errorValue('ATTACH_RATE_LIMITED'), message.channel);
    }
    if (message.type === 'attach') return this.attach(message);
    if (message.type === 'slide') {
      const refused = this.context.slides.move(this, message.index);
      return refused && this.error(refused);
    }
    const channel = this.channels.get(message.channel);
    if (!channel) {
      // An ack may cross a detach on the wire: not worth an error.
      if (message.type !== 'ack') this.error(errorValue('UNKNOWN_CHANNEL', { detail: String(message.channel) }), message.channel);
      return;
    }
    const { session, attachment } = channel;
    switch (message.type) {
      case 'input':
        if (!this.inputBudget.take(Buffer.byteLength(message.data))) {
          return this.error(errorValue('INPUT_RATE_LIMITED'), message.channel);
        }
        return session.input(attachment, message.data, message.binary === true);
      case 'ack':
        return session.ack(attachment, message.bytes);
      case 'resize':
        return session.resize(attachment, message.cols, message.rows);
      case 'run':
        return session.run(attachment, message.commandId, message.force === true);
      case 'reset':
        return session.reset(attachment);
      case 'detach':
        return session.detach(attachment, 'request');
    }
  }

  private hello(version: number): void {
    if (version !== PROTOCOL_VERSION) {
      this.error(errorValue('VERSION_MISMATCH', { detail: `serveur ${PROTOCOL_VERSION}, page ${version}` }));
      this.close(1002, 'version');
      return;
    }
    if (this.greeted) return;
    this.greeted = true;
    const slide = this.context.slides.current;
    this.outbox.sendMessage({ type: 'welcome', version: PROTOCOL_VERSION, role: this.role, labs: this.context.labInfos(), ...(slide === undefined ? {} : { slide }) });
    this.context.slides.join(this);
  }

  private attach(message: AttachMessage): void {
    const { channel } = message;
    if (this.channels.has(channel)) return this.error(errorValue('CHANNEL_IN_USE', { detail: String(channel) }), channel);
    if (this.channels.size >= MAX_CHANNELS_PER_CLIENT) {
      return this.error(errorValue('CHANNEL_LIMIT', { detail: `${MAX_CHANNELS_PER_CLIENT} au plus` }), channel);
    }
    const lab = this.context.labs.get(message.lab);
    if (!lab) return this.error(errorValue('UNKNOWN_LAB', { detail: message.lab }), channel);
    const room = message.room ?? DEFAULT_ROOM;
    let session = this.context.registry.find(room, lab.id);
    if (!session) {
      // The audience watches what the presenter opened; it never starts a shell.
      if (this.role !== 'presenter') return this.error(errorValue('SESSION_NOT_FOUND'), channel);
      // Checked before each new shell only: a ready script may take a moment, viewers need none.
      const readiness = this.context.readiness(lab);
      if (!readiness.ready) return this.error(errorValue(readiness.code, { message: readiness.message, hint: readiness.hint }), channel);
      const opened = this.context.registry.open(room, lab, message.cols, message.rows);
      if (!opened.ok) return this.error(opened.error, channel);
      session = opened.session;
    }
    const attachment = session.attach(this, channel, message.mode ?? 'write');
    this.channels.set(channel, { session, attachment });
  }

  private error(error: ErrorValue, channel?: number): void {
    this.outbox.sendMessage(channel === undefined ? { type: 'error', ...error } : { type: 'error', channel, ...error });
  }
}
