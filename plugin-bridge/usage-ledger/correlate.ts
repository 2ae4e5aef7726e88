/**
 * Latency and outcome for usage rows. `llm_output` carries the usage of one run attempt but no timing;
 * `model_call_ended` carries the duration and outcome of each model call of that attempt, keyed by run id and
 * call id, and the host fires it before the attempt's `llm_output`. This cache joins the two: bounded, per
 * plugin instance, and forgetting a run once its `llm_output` took the summary.
 */

/** What the model calls of one run attempt add to its usage row. */
export interface CallSummary {
  readonly calls: number;
  /** Sum of the calls' durations: the time spent waiting for the model in this attempt. */
  readonly durationMs: number;
  /** The latest call ended with outcome `error` (a failed response that may still have used tokens). */
  readonly failed: boolean;
}

interface RunCalls {
  calls: number;
  callIds: string[];
  durationMs: number;
  failed: boolean;
}

/** Calls remembered per run for dedupe; a run attempt with more calls than this is still summed, only not deduped. */
const MAX_CALL_IDS_PER_RUN = 64;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The bounded run-id → calls cache. */
export class CallCorrelator {
  readonly #runs = new Map<string, RunCalls>();

  /** @param maxRuns runs kept at most; the oldest is forgotten first (runs whose `llm_output` never came). */
  constructor(readonly maxRuns = 1024) {}

  /** Records one `model_call_ended` event; malformed events and repeated call ids are ignored. */
  observe(event: unknown, ctx?: unknown): void {
    if (typeof event !== 'object' || event === null) return;
    const e = event as Record<string, unknown>;
    const runId = text(e['runId']) ?? text((ctx as Record<string, unknown> | null | undefined)?.['runId']);
    const duration = e['durationMs'];
    if (runId === null || typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) return;
    let run = this.#runs.get(runId);
    if (run === undefined) {
      run = { calls: 0, callIds: [], durationMs: 0, failed: false };
      this.#runs.set(runId, run);
      if (this.#runs.size > this.maxRuns) this.#runs.delete(this.#runs.keys().next().value as string);
    }
    const callId = text(e['callId']);
    if (callId !== null) {
      if (run.callIds.includes(callId)) return;
      if (run.callIds.length < MAX_CALL_IDS_PER_RUN) run.callIds.push(callId);
    }
    run.calls += 1;
    run.durationMs += Math.round(duration);
    run.failed = e['outcome'] === 'error';
  }

  /** The summary of the run's calls since the last `take`, and forgets them; null when none were seen. */
  take(runId: unknown): CallSummary | null {
    const id = text(runId);
    if (id === null) return null;
    const run = this.#runs.get(id);
    if (run === undefined) return null;
    this.#runs.delete(id);
    return { calls: run.calls, durationMs: run.durationMs, failed: run.failed };
  }

  /** Runs currently remembered (for tests and diagnostics). */
  get size(): number {
    return this.#runs.size;
  }
}
