/**
 * `openclaw-temporal status`: what the durable state says right now — open gates with their arm (from the gate
 * state query, so it is the workflow's truth, not a cached search attribute), open orchestrator threads with
 * their workers, and subagent tasks and retries in flight. Workflows are found by visibility; each is asked
 * with a bounded query, and one that cannot answer (no worker running) is listed with the reason.
 */
import type { Client } from '@temporalio/client';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { gateStateQuery } from '../../workflows/gate/contract.ts';
import { deadLetterCount } from '../../workflows/gate/dead-letters.ts';
import { isLive } from '../../workflows/gate/decide.ts';
import { describeGate } from '../../workflows/gate/describe.ts';
import { orchestratorThreadQuery } from '../../workflows/orchestrator/contract.ts';
import { describeThread } from '../../workflows/orchestrator/thread-summary.ts';
import { hostDeadFacts, hostOrchestratorDeadFacts, hostOutboxes, type DeadFactsStatus, type OutboxBacklog } from './status-host.ts';
import { runningByPlugin, workerPollers, type PluginWorkflows, type WorkerPoller } from './status-workers.ts';

import { waitingForPickup } from './status-format.ts';

export type { DeadFactsStatus, OutboxBacklog, PluginWorkflows, WorkerPoller };
export { formatStatus, statusJson, waitingForPickup } from './status-format.ts';

/** How long one workflow may take to answer its query. */
const QUERY_TIMEOUT_MS = 5000;

export interface GateStatus {
  readonly workflowId: string;
  readonly armed: boolean;
  readonly usesLeft: number;
  /** Ledger ops waiting in the gate's dead-letter queue. */
  readonly deadLetters: number;
  readonly line: string;
}

export interface ThreadStatus {
  readonly workflowId: string;
  readonly line: string;
  readonly workers: ReadonlyArray<{ readonly childKey: string; readonly status: string; readonly label: string | null }>;
}

export interface RetryStatus {
  readonly workflowId: string;
  readonly type: string;
  readonly line: string;
}

export interface StatusReport {
  /** Running workflows per plugin, by type (visibility counts). */
  readonly plugins: readonly PluginWorkflows[];
  readonly gates: readonly GateStatus[];
  /** The gate facts Temporal refused; null when no gateway state dir was given. */
  readonly deadFacts?: DeadFactsStatus | null;
  /** The orchestrator observer facts Temporal refused; null when no gateway state dir was given. */
  readonly orchestratorDeadFacts?: DeadFactsStatus | null;
  /** The plugins' outboxes on this host (empty when no gateway state dir was given). */
  readonly outboxes: readonly OutboxBacklog[];
  readonly threads: readonly ThreadStatus[];
  readonly retries: readonly RetryStatus[];
  /** Retries delivered to their requester and not yet answered by the respawn. */
  readonly retriesWaiting: number;
  /** The workers polling the project's task queues, with their versions. */
  readonly workers: readonly WorkerPoller[];
}

const running = (type: string) => `WorkflowType = "${type}" AND ExecutionStatus = "Running"`;

async function openIds(client: Client, query: string): Promise<Array<{ workflowId: string; type: string }>> {
  const found: Array<{ workflowId: string; type: string }> = [];
  for await (const execution of client.workflow.list({ query })) found.push({ workflowId: execution.workflowId, type: execution.type });
  return found.sort((a, b) => a.workflowId.localeCompare(b.workflowId));
}

/** Runs a query with a deadline; a failure becomes the line shown instead. */
async function ask<T>(client: Client, what: () => Promise<T>): Promise<T | string> {
  try {
    return await client.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, what);
  } catch (err) {
    return `(no answer: ${err instanceof Error ? err.message : String(err)} — is a worker running?)`;
  }
}

/**
 * Collects the report; `now` decides whether an arm is still live. `stateDir`: the gateway's state dir on this
 * host, whose lorene-gate and orchestrator dead-letter files are counted. `gatewayIds`: hosts whose ledger and
 * retry-delivery queues' pollers are listed too.
 */
export async function collectStatus(client: Client, now: number, stateDir?: string, gatewayIds: readonly string[] = []): Promise<StatusReport> {
  const gates: GateStatus[] = [];
  for (const { workflowId } of await openIds(client, running('gateWorkflow'))) {
    const state = await ask(client, () => client.workflow.getHandle(workflowId).query(gateStateQuery));
    if (typeof state === 'string') gates.push({ workflowId, armed: false, usesLeft: 0, deadLetters: 0, line: state });
    else {
      const armed = isLive(state.arm, now);
      gates.push({ workflowId, armed, usesLeft: armed ? (state.arm?.usesLeft ?? 0) : 0, deadLetters: deadLetterCount(state), line: describeGate(state, now) });
    }
  }
  const threads: ThreadStatus[] = [];
  for (const { workflowId } of await openIds(client, running('orchestratorThreadWorkflow'))) {
    const thread = await ask(client, () => client.workflow.getHandle(workflowId).query(orchestratorThreadQuery));
    if (typeof thread === 'string') threads.push({ workflowId, line: thread, workers: [] });
    else {
      const workers = Object.values(thread.workers).map((w) => ({ childKey: w.childKey, status: w.status, label: w.label ?? null }));
      threads.push({ workflowId, line: describeThread(thread), workers });
    }
  }
  const retries: RetryStatus[] = [];
  const retryQuery = `WorkflowType IN ("subagentTaskWorkflow", "subagentRetryWorkflow") AND ExecutionStatus = "Running"`;
  for (const { workflowId, type } of await openIds(client, retryQuery)) {
    const metadata = await ask(client, () => client.workflow.getHandle(workflowId).query(workflowMetadataQuery));
    retries.push({ workflowId, type, line: typeof metadata === 'string' ? metadata : (metadata.currentDetails ?? '') });
  }
  const deadFacts = stateDir === undefined ? null : await hostDeadFacts(stateDir);
  const orchestratorDeadFacts = stateDir === undefined ? null : await hostOrchestratorDeadFacts(stateDir);
  const outboxes = stateDir === undefined ? [] : await hostOutboxes(stateDir);
  const [plugins, workers] = await Promise.all([runningByPlugin(client), workerPollers(client, undefined, gatewayIds)]);
  return { plugins, gates, deadFacts, orchestratorDeadFacts, outboxes, threads, retries, retriesWaiting: retries.filter(waitingForPickup).length, workers };
}
