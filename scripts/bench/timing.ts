/**
 * Timing loops: each call is timed on its own with `process.hrtime.bigint()` and labelled with its outcome, so a
 * run that silently turned into cancellations or errors shows up next to its latencies.
 */

/** Raw result of one measured loop. */
export interface Timed {
  /** Latency of call i in nanoseconds. */
  readonly samplesNs: Float64Array;
  /** Wall time of the whole loop, for throughput. */
  readonly wallNs: number;
  /** How many calls ended with each outcome label ("deliver", "cancel:no-arm", "error:timeout", …). */
  readonly outcomes: Readonly<Record<string, number>>;
}

function tally(labels: readonly string[]): Record<string, number> {
  const outcomes: Record<string, number> = {};
  for (const label of labels) outcomes[label] = (outcomes[label] ?? 0) + 1;
  return outcomes;
}

/**
 * Runs `call(0..n-1)` with at most `concurrency` calls in flight (1: strictly one after another) and times each.
 * `call` returns its outcome label; it must not throw (turn errors into labels). With `paceMs`, call i starts no
 * earlier than i × `paceMs` after the loop began: a fixed offered rate instead of as fast as the calls return.
 */
export async function timeAsync(n: number, concurrency: number, call: (i: number) => Promise<string>, paceMs = 0): Promise<Timed> {
  const samplesNs = new Float64Array(n);
  const labels = new Array<string>(n);
  let next = 0;
  const begun = performance.now();
  const lane = async (): Promise<void> => {
    for (let i = next++; i < n; i = next++) {
      const wait = begun + i * paceMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const started = process.hrtime.bigint();
      const label = await call(i);
      samplesNs[i] = Number(process.hrtime.bigint() - started);
      labels[i] = label;
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, lane));
  return { samplesNs, wallNs: Number(process.hrtime.bigint() - started), outcomes: tally(labels) };
}

/**
 * Times a synchronous call `n` times. `call` returns a label; labels are only counted (not kept per call), which
 * also keeps the result alive so the JIT cannot drop the work.
 */
export function timeSync(n: number, call: (i: number) => string): Timed {
  const samplesNs = new Float64Array(n);
  const outcomes: Record<string, number> = {};
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const label = call(i);
    samplesNs[i] = Number(process.hrtime.bigint() - t0);
    outcomes[label] = (outcomes[label] ?? 0) + 1;
  }
  return { samplesNs, wallNs: Number(process.hrtime.bigint() - started), outcomes };
}

/** Joins loops measured in rounds (e.g. one per arm) into one: samples in order, wall times and outcomes added. */
export function concatTimed(parts: readonly Timed[]): Timed {
  const samplesNs = new Float64Array(parts.reduce((n, p) => n + p.samplesNs.length, 0));
  const outcomes: Record<string, number> = {};
  let offset = 0;
  let wallNs = 0;
  for (const part of parts) {
    samplesNs.set(part.samplesNs, offset);
    offset += part.samplesNs.length;
    wallNs += part.wallNs;
    for (const [label, count] of Object.entries(part.outcomes)) outcomes[label] = (outcomes[label] ?? 0) + count;
  }
  return { samplesNs, wallNs, outcomes };
}
