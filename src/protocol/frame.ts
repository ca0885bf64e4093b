/**
 * Binary frames (server -> browser only): raw pty output for one lab session, never compressed.
 *
 *   byte 0      channel (0-255), the number the page chose in `attach`
 *   bytes 1..   raw pty bytes, exactly as the shell wrote them (UTF-8 may be split across frames:
 *               decode with a streaming decoder or hand the bytes to xterm.js, which copes)
 *
 * Every payload byte counts for flow control: the pane acks payload lengths (not the channel byte).
 * JSON control messages travel as text frames (messages.ts); text and binary frames of one channel are
 * in order on the one WebSocket.
 */

export const OUTPUT_HEADER_BYTES = 1;

export function encodeOutputFrame(channel: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(OUTPUT_HEADER_BYTES + payload.length);
  frame[0] = channel;
  frame.set(payload, OUTPUT_HEADER_BYTES);
  return frame;
}

export interface OutputFrame {
  readonly channel: number;
  /** A view into the frame, not a copy. */
  readonly payload: Uint8Array;
}

/** The channel and payload of a binary frame, or undefined for a frame too short to carry a channel. */
export function decodeOutputFrame(frame: Uint8Array): OutputFrame | undefined {
  const channel = frame[0];
  if (channel === undefined) return undefined;
  return { channel, payload: frame.subarray(OUTPUT_HEADER_BYTES) };
}
