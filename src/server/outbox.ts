/**
 * Everything one WebSocket sends, in order: binary output frames and JSON messages of all its channels.
 *
 * Each write is a syscall through the loopback TCP stack, the server's biggest cost per pty chunk, and
 * a pty read returns at most 4095 bytes (the kernel's n_tty buffer; pty-host.ts reads what a flood has
 * ready into chunks of up to 64 KiB). So output is coalesced, without ever delaying an idle keystroke:
 * - output that is not part of a flood (a read shorter than full: an echo, a prompt) goes out at once
 *   when nothing is queued before it: under fifty flooding sessions, waiting for the end of the turn
 *   meant waiting behind every other pty read of that turn, several milliseconds per keystroke;
 * - other output goes out at the end of the event-loop turn it arrived in (setImmediate);
 * - while a send is pending (the socket has not taken the previous frame), output keeps coalescing;
 * - while the pty delivers full reads (it has more ready: a flood), a frame is held until it reaches
 *   COALESCE_BYTES, a shorter read ends the burst, or FLOOD_HOLD_MS passes. One frame of 64 KiB instead
 *   of sixteen of 4 KiB is what made WeTTY good at fan-out, without its fixed 2 ms on every keystroke.
 *   A keystroke's echo is never a full read, so it is never held.
 * Never compressed. Memory is bounded by flow control upstream (unacked bytes per attachment) and by
 * CONNECTION_BUFFER_CAP here, past which the connection is given up.
 */
import { OUTPUT_HEADER_BYTES } from '../protocol/frame.ts';
import { BATCH_MAX_BYTES, CONNECTION_BUFFER_CAP } from '../protocol/limits.ts';

/** A chunk this long means the pty's buffer was full when read: more output is ready. */
export const FULL_READ_BYTES = 4000;
/** A flood's frames are held until this size (or until the burst ends). */
export const COALESCE_BYTES = 64 * 1024;
/**
 * Longest a flood frame is held waiting for the next read: one display frame (60 Hz), so the pane shows
 * the flood just as often. With fifty sessions flooding, each gets a read only every few milliseconds;
 * a 2 ms hold cut their frames to 8 KiB (two reads) and fired ~3,400 hold timers a second, and the
 * frame count is what costs (a loopback write per frame here, a message per frame in the page).
 */
export const FLOOD_HOLD_MS = 16;
import { encodeMessage, type ServerMessage } from '../protocol/messages.ts';
import { disposableTimeout, MutableDisposable } from './lifecycle.ts';
import { TurnScheduler } from './turn-scheduler.ts';

/** The part of a ws WebSocket the outbox uses (a fake in unit tests). */
export interface SendingSocket {
  readonly bufferedAmount: number;
  send(data: Buffer | string, options: { binary: boolean; compress: boolean }, done: (error?: Error) => void): void;
}

type Item =
  | { readonly kind: 'output'; readonly channel: number; readonly frames: FrameCache[]; bytes: number }
  | { readonly kind: 'text'; readonly text: string };

export function frameOutput(channel: number, chunks: readonly Buffer[], bytes: number): Buffer {
  const frame = Buffer.allocUnsafe(OUTPUT_HEADER_BYTES + bytes);
  frame[0] = channel;
  let at = OUTPUT_HEADER_BYTES;
  for (const chunk of chunks) at += chunk.copy(frame, at);
  return frame;
}

/**
 * One pty chunk, and the frames made of it: framed once per channel number (most pages use the same
 * one), and batches starting with it framed once per (channel, length). A session's stream is linear, so
 * every page in step with it queues the very same batch: 100 viewers cost one copy, not 100.
 */
export class FrameCache {
  /** Created on first use: most chunks are framed once, for one page. */
  private frames: Map<string, Buffer> | undefined;
  /** The pty had more to give when this was read (see FULL_READ_BYTES). */
  readonly full: boolean;

  constructor(readonly chunk: Buffer) {
    this.full = chunk.length >= FULL_READ_BYTES;
  }

  frame(channel: number, batch: readonly FrameCache[], bytes: number): Buffer {
    const key = `${channel}:${batch.length}`;
    let frame = this.frames?.get(key);
    if (!frame) {
      frame = frameOutput(
        channel,
        batch.map((f) => f.chunk),
        bytes,
      );
      (this.frames ??= new Map()).set(key, frame);
    }
    return frame;
  }
}

/** Outboxes with something to send, flushed together once per event-loop turn. */
export type FlushScheduler = TurnScheduler<Outbox>;

export function flushScheduler(): FlushScheduler {
  return new TurnScheduler<Outbox>((pending) => {
    const list = [...pending];
    pending.clear();
    for (const outbox of list) outbox.flush();
  });
}

export class Outbox {
  private readonly queue: Item[] = [];
  private queuedBytes = 0;
  private sending = false;
  private closed = false;
  /** Armed while a flood's frame is held (FLOOD_HOLD_MS); close() disposes it, and any set after. */
  private readonly hold = new MutableDisposable();

  constructor(
    private readonly socket: SendingSocket,
    /** The lab server's: sends every outbox's queue once per turn. */
    private readonly scheduler: FlushScheduler,
    /** Called once when the page stopped taking data and the cap is reached, or a send failed. */
    private readonly onBroken: (reason: string) => void,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes waiting here or in the WebSocket. */
  get backlog(): number {
    return this.queuedBytes + this.socket.bufferedAmount;
  }

  sendOutput(channel: number, frames: FrameCache): void {
    if (this.closed) return;
    const bytes = frames.chunk.length;
    const last = this.queue[this.queue.length - 1];
    if (last?.kind === 'output' && last.channel === channel && last.bytes + bytes <= BATCH_MAX_BYTES) {
      last.frames.push(frames);
      last.bytes += bytes;
    } else {
      this.queue.push({ kind: 'output', channel, frames: [frames], bytes });
    }
    this.queued(bytes);
    if (!frames.full && this.queue.length === 1) this.forceFlush();
  }

  sendMessage(message: ServerMessage): void {
    if (this.closed) return;
    const text = encodeMessage(message);
    this.queue.push({ kind: 'text', text });
    this.queued(text.length);
  }

  /** Hands everything queued to the socket at once (it keeps the order), then stops: for a polite close. */
  drain(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      this.sending = false;
      this.forceFlush();
    }
    this.close();
  }

  /** Stops sending; what is queued is dropped (the socket is closing or broken). */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.scheduler.delete(this);
    this.hold.dispose();
  }

  /** Sends the next queued item unless a send is pending (called once per turn by the flush queue). */
  flush(): void {
    if (this.sending || this.closed) return;
    const head = this.queue[0];
    if (!head) return;
    if (
      head.kind === 'output' &&
      this.queue.length === 1 &&
      head.bytes < COALESCE_BYTES &&
      head.frames[head.frames.length - 1]?.full
    ) {
      // Mid-flood: the next read is moments away. Its arrival reschedules a flush; the timer bounds the wait.
      if (this.hold.value) return;
      this.hold.value = disposableTimeout(FLOOD_HOLD_MS, () => {
        this.hold.clear();
        this.forceFlush();
      });
      return;
    }
    this.forceFlush();
  }

  private forceFlush(): void {
    if (this.sending || this.closed) return;
    this.hold.clear();
    const next = this.queue.shift();
    if (!next) return;
    this.sending = true;
    if (next.kind === 'text') {
      this.queuedBytes -= next.text.length;
      this.socket.send(next.text, { binary: false, compress: false }, this.sent);
    } else {
      this.queuedBytes -= next.bytes;
      const first = next.frames[0] as FrameCache;
      this.socket.send(
        first.frame(next.channel, next.frames, next.bytes),
        { binary: true, compress: false },
        this.sent,
      );
    }
  }

  private queued(bytes: number): void {
    this.queuedBytes += bytes;
    if (this.backlog > CONNECTION_BUFFER_CAP) return this.fail('send buffer cap reached');
    this.schedule();
  }

  private schedule(): void {
    if (this.sending || this.closed) return;
    this.scheduler.add(this);
  }

  private readonly sent = (error?: Error): void => {
    this.sending = false;
    if (error) return this.fail(error.message);
    if (this.queue.length > 0) this.schedule();
  };

  private fail(reason: string): void {
    if (this.closed) return;
    this.close();
    this.onBroken(reason);
  }
}
