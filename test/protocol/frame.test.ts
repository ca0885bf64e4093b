import { describe, expect, it } from 'vitest';
import { decodeOutputFrame, encodeOutputFrame, OUTPUT_HEADER_BYTES } from '../../src/protocol/frame.ts';

describe('output frames', () => {
  it('put the channel in the first byte and the raw bytes after it', () => {
    const payload = new Uint8Array([0x1b, 0x5b, 0x6d, 0xc3, 0xa9, 0x00, 0xff]);
    const frame = encodeOutputFrame(200, payload);
    expect(frame.length).toBe(OUTPUT_HEADER_BYTES + payload.length);
    expect(frame[0]).toBe(200);
    expect(decodeOutputFrame(frame)).toEqual({ channel: 200, payload });
  });

  it('decode without copying, and refuse an empty frame', () => {
    const frame = encodeOutputFrame(3, new Uint8Array([1, 2, 3]));
    const decoded = decodeOutputFrame(frame);
    expect(decoded?.payload.buffer).toBe(frame.buffer);
    expect(decodeOutputFrame(new Uint8Array(0))).toBeUndefined();
    expect(decodeOutputFrame(new Uint8Array([9]))).toEqual({ channel: 9, payload: new Uint8Array(0) });
  });
});
