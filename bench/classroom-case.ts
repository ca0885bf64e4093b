/**
 * The classroom case: one presenter streaming a terminal and changing slides, `audience` pages following
 * both. Measures how long a slide change takes to reach each audience page, and how far each page's
 * terminal ends behind the presenter's.
 */
import type { Target } from './client.ts';
import { BenchClient } from './client.ts';
import { pause, percentile, until } from './stats.ts';

export interface ServerClassroom {
  /** Send-to-receipt times of every slide change at every audience page, ms. */
  readonly slideMs: readonly number[];
  /** Slide changes an audience page never received. */
  readonly slidesLost: number;
  /** How long after the presenter's terminal each audience page's terminal showed the end, ms. */
  readonly lagMs: readonly number[];
}

const SLIDE_CHANGES = 20;
const SLIDE_EVERY_MS = 50;
const ROOM = 'classroom';

export async function serverClassroom(target: Target, file: string, audienceCount: number): Promise<ServerClassroom> {
  const presenter = await BenchClient.open(target);
  await presenter.attach(ROOM);
  await until(() => presenter.sawRecently('bench$ '), 'the presenter’s prompt');
  const received = new Map<number, number[]>();
  const audience: BenchClient[] = [];
  for (let i = 0; i < audienceCount; i++) {
    const page = await BenchClient.open(target, { audience: true });
    await page.attach(ROOM);
    page.onMessage = (message) => {
      if (message.type === 'slide')
        received.set(message.index, [...(received.get(message.index) ?? []), performance.now()]);
    };
    audience.push(page);
  }
  const marker = 'FIN-42';
  for (const page of [presenter, ...audience]) page.watch(marker);
  const sentAt = new Map<number, number>();
  presenter.input(`cat ${file}; echo FIN-$((6 * 7))\r`);
  let next = 1;
  let lastSlide = 0;
  const deadline = performance.now() + 120_000;
  while (![presenter, ...audience].every((page) => page.seen) || next <= SLIDE_CHANGES) {
    const now = performance.now();
    if (now > deadline) throw new Error('bench: the classroom did not see the end of the output in 120 s');
    if (next <= SLIDE_CHANGES && now - lastSlide >= SLIDE_EVERY_MS) {
      sentAt.set(next, now);
      presenter.send({ type: 'slide', index: next });
      lastSlide = now;
      next++;
    }
    await pause(2);
  }
  await pause(200);
  const slideMs: number[] = [];
  let slidesLost = 0;
  for (const [index, sent] of sentAt) {
    const times = received.get(index) ?? [];
    slidesLost += audienceCount - times.length;
    for (const time of times) slideMs.push(time - sent);
  }
  const lagMs = audience.map((page) => page.seenAt - presenter.seenAt);
  for (const page of [presenter, ...audience]) page.close();
  return { slideMs, slidesLost, lagMs };
}

export function summary(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${percentile(sorted, 50).toFixed(2)} / ${percentile(sorted, 99).toFixed(2)} / ${(sorted.at(-1) ?? 0).toFixed(2)}`;
}
