/**
 * The replay gate (`OPENCLAW_TEMPORAL_REPLAY_BEFORE_START=N`): before a worker polls, the N most recent
 * executions (open or closed) of each workflow type it serves are downloaded from the server and replayed against
 * the worker's own bundle. One that does not replay stops the start, so a build that would break running
 * workflows never takes a task.
 */
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection, WorkflowBundle } from '@temporalio/worker';
import { replayHistories, shortReason, type DownloadedHistory, type ReplayOutcome } from './replay.ts';

/** Every workflow type workflows/index.ts exports, by its registered name. */
export const SERVED_WORKFLOW_TYPES = [
  'gateWorkflow',
  'gateSeenLedgerWorkflow',
  'usageLedgerWorkflow',
  'usageBudgetWorkflow',
  'orchestratorThreadWorkflow',
  'subagentTaskWorkflow',
  'subagentRetryWorkflow',
  'subagentRequesterWorkflow',
] as const;

export interface ReplayGateOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly bundle: WorkflowBundle;
  /** How many of the most recent executions of each type to replay (> 0). */
  readonly perType: number;
  readonly dataConverter: DataConverter;
}

/** The gate refused the start: some histories do not replay against this bundle. */
export class ReplayGateError extends Error {
  override name = 'ReplayGateError' as const;
  constructor(readonly failures: readonly ReplayOutcome[], replayed: number) {
    const lines = failures.map((f) => `  ${f.verdict}: ${f.workflowId} (run ${f.runId}): ${shortReason(f.message)}`);
    super(
      `refusing to start: ${failures.length} of ${replayed} recent histories do not replay against this worker's workflows ` +
        `(a change that must go behind patched(), or a build for another deployment version):\n${lines.join('\n')}`,
    );
  }
}

function isHistory(value: unknown): value is DownloadedHistory['history'] {
  return typeof value === 'object' && value !== null && Array.isArray((value as { events?: unknown }).events);
}

/** Downloads the N most recent executions of each served type on the task queue. */
export async function recentHistories(options: Omit<ReplayGateOptions, 'bundle' | 'dataConverter'>): Promise<DownloadedHistory[]> {
  const client = new Client({ connection: options.connection, namespace: options.namespace });
  const found: DownloadedHistory[] = [];
  for (const type of SERVED_WORKFLOW_TYPES) {
    const query = `TaskQueue = "${options.taskQueue}" AND WorkflowType = "${type}"`;
    let taken = 0;
    for await (const item of client.workflow.list({ query, pageSize: options.perType }).intoHistories()) {
      if (!isHistory(item.history)) throw new Error(`the server returned no event history for ${item.workflowId}`);
      found.push({ workflowId: item.workflowId, history: item.history });
      taken += 1;
      if (taken >= options.perType) break;
    }
  }
  return found;
}

/** Replays the recent histories; resolves with how many replayed, throws {@link ReplayGateError} if any did not. */
export async function runReplayGate(options: ReplayGateOptions): Promise<number> {
  const histories = await recentHistories(options);
  const summary = await replayHistories(options.bundle, histories, options.dataConverter);
  const failures = summary.outcomes.filter((o) => o.verdict !== 'ok');
  if (failures.length > 0) throw new ReplayGateError(failures, summary.outcomes.length);
  return summary.outcomes.length;
}
