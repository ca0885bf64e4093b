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
import { roomStudent, studentRoom } from '../protocol/classroom.ts';
import type {
  AttachMessage,
  ClientMessage,
  ClientRole,
  LabInfo,
  ServerMessage,
  SessionRole,
} from '../protocol/messages.ts';
import { parseClientMessage } from '../protocol/validate.ts';
import type { Attachment, Peer } from './attachment.ts';
import type { Identity } from './auth.ts';
import type { ClassPeer, HandsOn } from './hands-on.ts';
import type { LabDefinition, Readiness } from './labs.ts';
import { Disposable, disposableTimeout, listen } from './lifecycle.ts';
import { Outbox, type FlushScheduler } from './outbox.ts';
import { TokenBucket } from './rate-limit.ts';
import { ATTACH_BURST, ATTACH_RATE_PER_S, OVERFLOW_CLOSE_MS } from './server-limits.ts';
import type { SessionRegistry } from './session-registry.ts';
import type { Session, SessionOwner } from './session.ts';
import type { SlideRoom } from './slide-room.ts';
import type { Student } from './students.ts';

/** What connections share: the labs and the sessions. */
export interface LabContext {
  readonly labs: ReadonlyMap<string, LabDefinition>;
  readonly registry: SessionRegistry;
  readiness(lab: LabDefinition): Readiness;
  labInfos(): LabInfo[];
  readonly slides: SlideRoom;
  /** The hands-on class, with --hands-on. */
  readonly handsOn: HandsOn | undefined;
  /** Sends every connection's queue once per turn (outbox.ts). */
  readonly flush: FlushScheduler;
}

/** Where an attach lands: which room, in which role, and whether it may start the session (and as whose). */
type Placement =
  | {
      readonly ok: true;
      readonly room: string;
      readonly role: SessionRole;
      readonly start: 'presenter' | Student | undefined;
    }
  | { readonly ok: false; readonly error: ErrorValue };

interface Channel {
  readonly session: Session;
  readonly attachment: Attachment;
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class Connection extends Disposable implements Peer, ClassPeer {
  readonly role: ClientRole;
  /** The student this page is, in a hands-on class. */
  readonly student: Student | undefined;
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
    identity: Identity<Student>,
    private readonly context: LabContext,
    onClosed: (connection: Connection) => void,
  ) {
    super();
    this.role = identity.role;
    this.student = identity.student;
    this.outbox = new Outbox(socket, context.flush, () => this.overflow());
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

  send(message: ServerMessage): void {
    this.outbox.sendMessage(message);
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
    this.context.handsOn?.left(this);
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
    if (!this.greeted)
      return this.error(errorValue('HELLO_REQUIRED'), 'channel' in message ? message.channel : undefined);
    if ((message.type === 'attach' || message.type === 'reset') && !this.attachBudget.take()) {
      return this.error(errorValue('ATTACH_RATE_LIMITED'), message.channel);
    }
    if (message.type === 'attach') return this.attach(message);
    if (message.type === 'slide') {
      // A student's page says where it is (the class panel shows it); it never moves the room.
      if (this.student) return this.context.handsOn?.slide(this.student, message.index);
      const refused = this.context.slides.move(this, message.index);
      return refused && this.error(refused);
    }
    if (message.type === 'end-class') return this.endClass();
    const channel = this.channels.get(message.channel);
    if (!channel) {
      // An ack may cross a detach on the wire: not worth an error.
      if (message.type !== 'ack')
        this.error(errorValue('UNKNOWN_CHANNEL', { detail: String(message.channel) }), message.channel);
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
      case 'run': {
        const refused = this.student && this.context.handsOn?.runRefusal(session.lab, message.commandId);
        if (refused) return this.error(refused, message.channel);
        return session.run(attachment, message.commandId, message.force === true);
      }
      case 'reset':
        return session.reset(attachment);
      case 'verify':
        return void this.verify(session, attachment, message.exercise);
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
    this.outbox.sendMessage({
      type: 'welcome',
      version: PROTOCOL_VERSION,
      role: this.role,
      labs: this.context.labInfos(),
      ...(slide === undefined ? {} : { slide }),
      ...(this.context.handsOn ? { handsOn: true } : {}),
      ...(this.student ? { student: { id: this.student.id, name: this.student.name } } : {}),
    });
    this.context.slides.join(this);
    this.context.handsOn?.joined(this);
  }

  private endClass(): void {
    if (this.role !== 'presenter') return this.error(errorValue('PRESENTER_ONLY'));
    if (!this.context.handsOn) return this.error(errorValue('NOT_HANDS_ON'));
    void this.context.handsOn.endClass();
  }

  /**
   * Who may be where: a student's room is theirs to drive and the presenter's to watch, no one else's;
   * any other room (the presenter's, DEFAULT_ROOM) is the presenter's to drive and everyone's to watch.
   */
  private place(message: AttachMessage): Placement {
    const view = message.mode === 'view';
    if (this.student) {
      const own = studentRoom(this.student.id);
      const room = message.room ?? own;
      if (room === own) return { ok: true, room, role: view ? 'viewer' : 'writer', start: this.student };
      if (roomStudent(room) !== undefined) return { ok: false, error: errorValue('ROOM_FORBIDDEN') };
      return { ok: true, room, role: 'viewer', start: undefined };
    }
    const room = message.room ?? DEFAULT_ROOM;
    if (roomStudent(room) !== undefined) {
      if (this.role !== 'presenter') return { ok: false, error: errorValue('ROOM_FORBIDDEN') };
      return { ok: true, room, role: 'viewer', start: undefined };
    }
    if (this.role !== 'presenter') return { ok: true, room, role: 'viewer', start: undefined };
    return { ok: true, room, role: view ? 'viewer' : 'writer', start: 'presenter' };
  }

  private attach(message: AttachMessage): void {
    const { channel } = message;
    if (this.channels.has(channel))
      return this.error(errorValue('CHANNEL_IN_USE', { detail: String(channel) }), channel);
    if (this.channels.size >= MAX_CHANNELS_PER_CLIENT) {
      return this.error(errorValue('CHANNEL_LIMIT', { detail: `${MAX_CHANNELS_PER_CLIENT} au plus` }), channel);
    }
    const lab = this.context.labs.get(message.lab);
    if (!lab) return this.error(errorValue('UNKNOWN_LAB', { detail: message.lab }), channel);
    const placed = this.place(message);
    if (!placed.ok) return this.error(placed.error, channel);
    const { room, role, start } = placed;
    let session = this.context.registry.find(room, lab.id);
    if (!session) {
      // Viewers watch what the room's owner opened; they never start a shell.
      if (start === undefined) return this.error(errorValue('SESSION_NOT_FOUND'), channel);
      // Checked before each new shell only: a ready script may take a moment, viewers need none.
      const readiness = this.context.readiness(lab);
      if (!readiness.ready)
        return this.error(errorValue(readiness.code, { message: readiness.message, hint: readiness.hint }), channel);
      let owner: SessionOwner | undefined;
      if (start !== 'presenter') {
        const found = this.context.handsOn?.ownerFor(start, lab);
        if (!found?.ok) return this.error(found?.error ?? errorValue('NOT_HANDS_ON'), channel);
        owner = found.owner;
      }
      const opened = this.context.registry.open(room, lab, message.cols, message.rows, owner);
      if (!opened.ok) return this.error(opened.error, channel);
      session = opened.session;
    }
    const attachment = session.attach(this, channel, role);
    this.channels.set(channel, { session, attachment });
  }

  /** « Vérifier »: the checks run in the session's sandbox; a student's outcome goes to the class panel. */
  private async verify(session: Session, attachment: Attachment, exercise: string): Promise<void> {
    const passed = await session.verify(attachment, exercise);
    if (passed !== undefined && this.student)
      this.context.handsOn?.verified(this.student, session.lab.id, exercise, passed);
  }

  private error(error: ErrorValue, channel?: number): void {
    this.outbox.sendMessage(channel === undefined ? { type: 'error', ...error } : { type: 'error', channel, ...error });
  }
}
