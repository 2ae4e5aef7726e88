/**
 * `openclaw-temporal replay`: the pre-deploy check. The histories the server holds were written by the code that
 * runs today; replaying them against the code about to be deployed shows whether that code would take a
 * different path through a live workflow (non-determinism) before any worker runs it.
 */
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../worker/workers.ts';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH, replayDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import type { DownloadedHistory } from './histories.ts';
import { compileOwnTypeScript } from '../../worker/bundle-installed.ts';

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

/** The repository's own workflows: what `npm run worker` would run from this checkout. */
export const CURRENT_WORKFLOWS = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

const bundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => void process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => void process.stderr.write(`[bundler] ${message}\n`),
};

/** Bundles the workflows at `workflowsPath` (an index module) with the SDK's bundler, as the worker does. */
export function bundleFrom(workflowsPath: string = CURRENT_WORKFLOWS): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES], failureConverterPath: FAILURE_CONVERTER_PATH, logger: bundlerLogger, webpackConfigHook: compileOwnTypeScript });
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

/** The summary as the terminal shows it: one line, then one line per problem. */
export function formatReplay(summary: ReplaySummary, where: string): string {
  const { counts } = summary;
  if (summary.outcomes.length === 0) return `nothing to replay: no open or recent workflows on ${where}\n`;
  const lines = [
    `replayed ${summary.outcomes.length} histories from ${where}: ${counts.ok} ok, ${counts['non-deterministic']} non-deterministic, ${counts.failed} failed`,
  ];
  for (const o of summary.outcomes.filter((x) => x.verdict !== 'ok')) {
    lines.push(`  ✗ ${o.verdict}: ${o.workflowId} (run ${o.runId}): ${shortReason(o.message)}`);
  }
  lines.push(replayPassed(summary) ? 'PASS: the code replays every history' : 'FAIL: deploying this code would break the workflows above (put the change behind patched())');
  return `${lines.join('\n')}\n`;
}
