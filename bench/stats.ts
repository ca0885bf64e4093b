/** Small numeric helpers for the bench: percentiles, medians, formatting. */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The median of each round's value over that round's baseline (interleaved rounds share the noise). */
export function medianRatio(values: readonly number[], baseline: readonly number[]): number {
  return median(values.map((value, i) => value / (baseline[i] ?? Number.NaN)));
}

export const MB = 1_000_000;
export const MiB = 1024 * 1024;

export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / MB / (ms / 1000);
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** Bytes as whole MiB, as the table prints memory. */
export function mib(bytes: number): string {
  return fixed(bytes / MiB, 0);
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` is true, polling every few milliseconds. */
export async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await pause(2);
  }
}

/**
 * Round trips of a fresh session before its echo counts as steady. V8 compiles and optimises the echo
 * path (WebSocket, validation, session, outbox) over the first few thousand keys, on background threads
 * that take the second core from `cat`: the server's p99 was 3-4 ms after 50 keys, 1.1-1.3 ms after
 * 2,500 and 0.24-0.28 ms after 5,000 (the ceiling's path is a few lines: it is steady almost at once).
 */
export const ECHO_WARM_UP = 5000;

export interface EchoSamples {
  /** The first round trips of a new session. */
  readonly fresh: readonly number[];
  /** The same number, once ECHO_WARM_UP round trips have gone by: what a class sees after a minute. */
  readonly steady: readonly number[];
}

export async function sampleEcho(roundTrip: () => Promise<number>, samples: number): Promise<EchoSamples> {
  const fresh: number[] = [];
  for (let i = 0; i < samples; i++) fresh.push(await roundTrip());
  for (let i = samples; i < ECHO_WARM_UP; i++) await roundTrip();
  const steady: number[] = [];
  for (let i = 0; i < samples; i++) steady.push(await roundTrip());
  return { fresh, steady };
}

/** One row of the bench's table (table.ts prints them, run.ts writes them to test-results/bench.json). */
export interface BenchRow {
  readonly measure: string;
  readonly ceiling: string;
  readonly server: string;
  readonly ratio: string;
  readonly target: string;
  readonly ok: boolean | null;
}

/**
 * A row that compares the medians of `values` and of their `baseline` (the ceiling, a reference page),
 * their ratio (values / baseline) checked against `target` when there is one.
 */
export function medianRow(row: {
  readonly measure: string;
  readonly baseline: readonly number[];
  readonly values: readonly number[];
  readonly digits?: number;
  readonly target?: { readonly label: string; readonly met: (ratio: number) => boolean };
}): BenchRow {
  const ratio = medianRatio(row.values, row.baseline);
  return {
    measure: row.measure,
    ceiling: fixed(median(row.baseline), row.digits),
    server: fixed(median(row.values), row.digits),
    ratio: fixed(ratio, 2),
    target: row.target?.label ?? '',
    ok: row.target ? row.target.met(ratio) : null,
  };
}

/** Echo times as the table prints them: « p50 / p99 / max », ms. */
export function echoPercentiles(values: readonly number[]): string {
  return `${fixed(percentile(values, 50), 2)} / ${fixed(percentile(values, 99), 2)} / ${fixed(Math.max(...values), 2)}`;
}
