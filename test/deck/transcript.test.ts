import { describe, expect, it } from 'vitest';
import { TRANSCRIPT_MAX_LINES, castColumns, castTranscript } from '../../src/deck/transcript.ts';
import { parseCast, type Cast } from '../../src/protocol/asciicast.ts';

function cast(events: [number, string, string][]): Cast {
  const parsed = parseCast(
    [JSON.stringify({ version: 2, width: 80, height: 24 }), ...events.map((e) => JSON.stringify(e))].join('\n'),
  );
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.cast;
}

describe('castTranscript', () => {
  it('gives each command its output as plain text, without its echo or the next prompt', () => {
    const transcript = castTranscript(
      cast([
        [0, 'o', '\u001b]133;D;0\u0007\u001b[1;32m$\u001b[0m '],
        [1, 'm', 'create'],
        [1, 'i', 'qemu-img create x 1G\r'],
        [1.1, 'o', 'qemu-img create x 1G\r\n\u001b[?2004l\r'],
        [1.2, 'o', "Formatting 'x', fmt=raw\r\n\r\n\r\n\r\nfin\r\n\u001b]133;D;0\u0007$ "],
        [2, 'm', 'progress'],
        [2.1, 'o', 'wget\r\n 10%\r 50%\r100%\r\n$ '],
      ]),
    );
    expect(Object.fromEntries(transcript)).toEqual({ create: "Formatting 'x', fmt=raw\n\nfin", progress: '100%' });
  });

  it('cuts long output and says how much was left out', () => {
    const lines = Array.from({ length: TRANSCRIPT_MAX_LINES + 5 }, (_, i) => `ligne ${i}\r\n`).join('');
    const text =
      castTranscript(
        cast([
          [0, 'm', 'long'],
          [0.1, 'o', `seq\r\n${lines}$ `],
        ]),
      ).get('long') ?? '';
    expect(text.split('\n')).toHaveLength(TRANSCRIPT_MAX_LINES + 1);
    expect(text).toMatch(/\[… 5 lignes de plus\]$/);
  });
});

describe('castColumns', () => {
  it("reads the terminal's width from an asciicast v2 header", () => {
    expect(castColumns('{"version": 2, "width": 104, "height": 30}\n[0.1, "o", "x"]\n')).toBe(104);
  });

  it('reads term.cols from an asciicast v3 header', () => {
    expect(
      castColumns('{"version": 3, "term": {"cols": 72, "rows": 20, "type": "xterm-256color"}}\n[0.1, "o", "x"]'),
    ).toBe(72);
  });

  it('says nothing for a header without a usable width', () => {
    expect(castColumns('{"version": 3, "width": 90}')).toBeUndefined();
    expect(castColumns('{"version": 2, "width": 0, "height": 24}')).toBeUndefined();
    expect(castColumns('[0.1, "o", "pas un en-tête"]')).toBeUndefined();
    expect(castColumns('pas du JSON')).toBeUndefined();
  });
});
