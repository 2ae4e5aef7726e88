/**
 * Replaying histories against a workflow bundle: shared by `openclaw-temporal replay` (the pre-deploy check,
 * scripts/ops/replay.ts) and the worker's own replay gate (worker/replay-gate.ts).
 */
import type { DataConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { replayDataConverter } from '../plugin-bridge/shared/codec/data-converter.ts';

/** One history to replay. */
export interface DownloadedHistory {
  readonly workflowId: string;
  readonly history: temporal.api.history.v1.IHistory;
}

/** What one replayed history showed. */
export type ReplayVerdict = 'ok' | 'non-deterministic' | 'failed';

export interface ReplayOutcome {
  readonly workflowId: string;
  readonly runId: string;
  readonly verdict: ReplayVerdict;
  readonly message: string | null;
}

export interface ReplaySummary {
  readonly outcomes: readonly ReplayOutcome[];
  readonly counts: Readonly<Record<ReplayVerdict, number>>;
}

/**
 * Replays every history against `bundle`, decoding payloads with `dataConverter` (the configured payload keys);
 * never throws for a bad history, it reports it.
 */
export async function replayHistories(bundle: WorkflowBundle, histories: readonly DownloadedHistory[], dataConverter: DataConverter = {}): Promise<ReplaySummary> {
  const outcomes: ReplayOutcome[] = [];
  const results = Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'openclaw-temporal-replay', dataConverter: replayDataConverter(dataConverter) }, histories);
  for await (const result of results) {
    const error = result.error;
    const verdict: ReplayVerdict = error === undefined ? 'ok' : error.name === 'DeterminismViolationError' ? 'non-deterministic' : 'failed';
    outcomes.push({ workflowId: result.workflowId, runId: result.runId, verdict, message: error?.message ?? null });
  }
  const counts = { ok: 0, 'non-deterministic': 0, failed: 0 };
  for (const o of outcomes) counts[o.verdict] += 1;
  return { outcomes, counts };
}

/** True when the code may be deployed: every history replayed without error. */
export function replayPassed(summary: ReplaySummary): boolean {
  return summary.counts['non-deterministic'] === 0 && summary.counts.failed === 0;
}

/** The core's own reason ("Nondeterminism error: Timer machine does not handle …") out of the SDK's long message. */
export function shortReason(message: string | null): string {
  const text = message ?? '';
  const core = /\[TMPRL\d+\] ([^"]+)/.exec(text);
  return (core?.[1] ?? text.split('\n')[0] ?? '').trim();
}
