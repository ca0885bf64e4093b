/**
 * `--record DIR`: every session is written to DIR/<room>-<lab>-<time>.cast as it happens. A recording
 * that cannot be written says so once on the console; the session itself goes on.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CastRecorder } from './recorder.ts';
import type { Session } from './session.ts';

export function recordSessionToFile(session: Session, dir: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${session.room}-${session.lab.id}-${stamp}.cast`.replace(/[^A-Za-z0-9._-]/g, '_'));
  mkdirSync(dir, { recursive: true });
  const stream = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  let failed = false;
  let ended = false;
  stream.on('error', (error) => {
    if (!failed)
      console.error(
        `lab server: the recording ${file} cannot be written (${error.message}); the session goes on unrecorded.`,
      );
    failed = true;
  });
  let recorder: CastRecorder | undefined;
  session.record((cols, rows) => {
    recorder = new CastRecorder({
      cols,
      rows,
      title: `${session.lab.title} (${session.room})`,
      sink: (line) => failed || ended || stream.write(`${line}\n`),
    });
    return recorder;
  });
  void session.closed.then(() => {
    // The recorder holds back the last unfinished line (often the final prompt): written before the end.
    recorder?.flush();
    ended = true;
    stream.end();
  });
  return file;
}
