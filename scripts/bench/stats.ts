/**
 * Latency statistics of one measured operation: nearest-rank percentiles over raw samples (nanoseconds from
 * `process.hrtime.bigint()`), so a p99 is a latency some call really had, never an interpolation between two.
 */

/** A sample set or percentile the statistics cannot be computed for; `field` names the bad input. */
export class InvalidSampleError extends Error {
  override name = 'InvalidSampleError' as const;
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** The figures the benchmark prints and stores for one operation; latencies in milliseconds. */
export interface LatencySummary {
  readonly n: number;
  readonly minMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** Completed operations per second of wall time (concurrent runs overlap, so this is not 1000 / mean). */
  readonly throughputPerSec: number;
}

/**
 * The nearest-rank percentile `p` (0 < p ≤ 100) of `sorted`, which must be ascending: the smallest sample that
 * at least p % of the samples do not exceed.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new InvalidSampleError('samples', 'no samples');
  if (!(p > 0 && p <= 100)) throw new InvalidSampleError('p', `must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Summarises latency samples (ns) taken over `wallNs` of wall time; the input is not modified. */
export function summarize(samplesNs: ArrayLike<number>, wallNs: number): LatencySummary {
  if (samplesNs.length === 0) throw new InvalidSampleError('samples', 'no samples');
  if (!(wallNs > 0)) throw new InvalidSampleError('wallNs', `must be positive, got ${wallNs}`);
  const sorted = Float64Array.from(samplesNs).sort();
  let total = 0;
  for (const value of sorted) total += value;
  const ms = (ns: number) => ns / 1e6;
  return {
    n: sorted.length,
    minMs: ms(sorted[0] as number),
    p50Ms: ms(percentile(sorted, 50)),
    p95Ms: ms(percentile(sorted, 95)),
    p99Ms: ms(percentile(sorted, 99)),
    maxMs: ms(sorted[sorted.length - 1] as number),
    meanMs: ms(total / sorted.length),
    throughputPerSec: sorted.length / (wallNs / 1e9),
  };
}
