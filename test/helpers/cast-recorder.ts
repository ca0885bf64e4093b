/** A CastRecorder on a clock the test moves, writing into an array, and the events parsed back. */
import { parseCast, type CastEvent } from '../../src/protocol/asciicast.ts';
import { CastRecorder } from '../../src/server/recorder.ts';

export interface TestRecorder {
  readonly r: CastRecorder;
  readonly clock: { now: number };
  readonly lines: string[];
  readonly events: () => readonly CastEvent[];
}

export function testRecorder(start = 0): TestRecorder {
  const clock = { now: start };
  const lines: string[] = [];
  const r = new CastRecorder({
    cols: 80,
    rows: 24,
    title: 'essai',
    sink: (line) => lines.push(line),
    now: () => clock.now,
  });
  const events = (): readonly CastEvent[] => {
    const parsed = parseCast(lines.join('\n'));
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.cast.events;
  };
  return { r, clock, lines, events };
}
