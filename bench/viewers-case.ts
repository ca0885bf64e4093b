/**
 * The `viewers` case: one session whose writer `cat`s the small file while many audience pages watch it,
 * one of them stalled (it stopped reading). Measures what the viewers and the stalled page cost the
 * writer, whether the live viewers got identical bytes, and how much the stalled page and the server held.
 */
import type { Target } from './client.ts';
import { serverViewers } from './server-cases.ts';
import type { ServerProcess } from './server-process.ts';
import { fixed, mib, MiB, type BenchRow } from './stats.ts';

export interface ViewersCase {
  readonly rows: readonly BenchRow[];
  /** The server's CPU ms for the viewed `cat`, for the table's CPU row. */
  readonly cpu: string;
}

/** One session, `viewers` viewers, one of them stalled: the writer's MB/s, the viewers' bytes, server memory. */
export async function viewersCase(
  target: Target,
  proc: ServerProcess,
  data: { readonly file: string; readonly expected: number },
  viewers: number,
): Promise<ViewersCase> {
  const view = await serverViewers(target, data.file, data.expected, viewers, proc);
  const writerRate = (ms: number): string => fixed(data.expected / 1e6 / (ms / 1000));
  const rows: BenchRow[] = [];
  rows.push({
    measure: `writer MB/s: alone / ${viewers - 1} viewers / + 1 stalled`,
    ceiling: '',
    server: `${writerRate(view.aloneMs)} / ${writerRate(view.viewedMs)} / ${writerRate(view.stalledMs)}`,
    ratio: fixed(view.viewedMs / view.stalledMs, 2),
    target: '>= 0.8 x unstalled',
    ok: view.viewedMs / view.stalledMs >= 0.8,
  });
  const cpu = `${viewers} viewers ${fixed(view.cpuMs, 0)}`;
  rows.push({
    measure: `${viewers} viewers: last viewer done, ms`,
    ceiling: '',
    server: fixed(view.lastViewerMs, 0),
    ratio: '',
    target: '',
    ok: null,
  });
  rows.push({
    measure: `viewers in step (identical bytes) / resynced`,
    ceiling: '',
    server: `${view.inStep} (${view.identical ? 'identical' : 'DIFFER'}) / ${viewers - 1 - view.inStep}`,
    ratio: '',
    target: 'identical',
    ok: view.identical,
  });
  rows.push({
    measure: 'stalled viewer: bytes it was sent',
    ceiling: '',
    server: `${fixed(view.stalledBytes / MiB, 2)} MiB of ${fixed(data.expected / MiB, 1)}`,
    ratio: '',
    target: 'bounded',
    ok: view.stalledBytes < 4 * MiB,
  });
  rows.push({
    measure: `server RSS MiB: before / peak, ${viewers} viewers + stalled`,
    ceiling: '',
    server: `${mib(view.rssBefore)} / ${mib(view.rssPeak)}`,
    ratio: '',
    target: 'bounded',
    ok: view.rssPeak - view.rssBefore < 200 * MiB,
  });
  return { rows, cpu };
}
