/**
 * `openclaw-temporal status`: what the durable state says right now — open gates with their arm (from the gate
 * state query, so it is the workflow's truth, not a cached search attribute), open orchestrator threads with
 * their workers, and subagent tasks and retries in flight. Workflows are found by visibility; each is asked
 * with a bounded query, and one that cannot answer (no worker running) is listed with the reason.
 */
import type { Client } from '@temporalio/client';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { countDeadFacts, gateDeadFactsPath } from '../../plugin-bridge/lorene-gate/dead-facts.ts';
import { SUBAGENT_RETRY_WORKFLOW_TYPE } from '../../workflows/subagent/contract.ts';
import { gateStateQuery } from '../../workflows/gate/contract.ts';
import { deadLetterCount } from '../../workflows/gate/dead-letters.ts';
import { describeGate, isLive } from '../../workflows/gate/decide.ts';
import { orchestratorThreadQuery } from '../../workflows/orchestrator/contract.ts';
import { describeThread } from '../../workflows/orchestrator/thread-summary.ts';

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

/** Gate facts Temporal refused, waiting in the gateway's dead-letter file (plugin-bridge/lorene-gate/dead-facts.ts). */
export interface DeadFactsStatus {
  readonly path: string;
  readonly count: number;
}

export interface StatusReport {
  readonly gates: readonly GateStatus[];
  /** Null when no gateway state dir was given. */
  readonly deadFacts?: DeadFactsStatus | null;
  readonly threads: readonly ThreadStatus[];
  readonly retries: readonly RetryStatus[];
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
 * host, whose lorene-gate dead-letter file is counted.
 */
export async function collectStatus(client: Client, now: number, stateDir?: string): Promise<StatusReport> {
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
  const deadFacts = stateDir === undefined ? null : { path: gateDeadFactsPath(stateDir), count: await countDeadFacts(gateDeadFactsPath(stateDir)) };
  return { gates, deadFacts, threads, retries };
}

/** A retry delivered to its requester and not yet answered by the respawn (from its current details). */
export function waitingForPickup(retry: RetryStatus): boolean {
  return retry.type === SUBAGENT_RETRY_WORKFLOW_TYPE && /waiting for (respawn|the respawn)/.test(retry.line);
}

/** The report as the terminal shows it. */
export function formatStatus(report: StatusReport, where: string): string {
  const lines = [`openclaw-temporal status · ${where}`, ''];
  const deadLetters = report.gates.reduce((n, g) => n + g.deadLetters, 0);
  const ledger = deadLetters > 0 ? `, ${deadLetters} ledger write(s) dead-lettered — npm run ops -- replay-dead-letters` : '';
  lines.push(`Gates (${report.gates.length} open, ${report.gates.filter((g) => g.armed).length} armed${ledger})`);
  for (const g of report.gates) lines.push(`  ${g.armed ? 'ARMED' : 'idle '}  ${g.workflowId}  ${g.line}`);
  const dead = report.deadFacts;
  if (dead != null) lines.push(`  gate facts Temporal refused (dead-lettered on this host): ${dead.count}${dead.count > 0 ? ` in ${dead.path}` : ''}`);
  lines.push('', `Orchestrator threads (${report.threads.length} open)`);
  for (const t of report.threads) {
    lines.push(`  ${t.workflowId}  ${t.line}`);
    for (const w of t.workers) lines.push(`      ${w.status.padEnd(8)} ${w.childKey}${w.label ? ` (${w.label})` : ''}`);
  }
  lines.push('', `Subagent tasks and retries in flight (${report.retries.length})`);
  for (const r of report.retries) lines.push(`  ${r.workflowId}  [${r.type}]  ${r.line}`);
  const waiting = report.retries.filter(waitingForPickup);
  lines.push('', `Retries waiting for pickup (${waiting.length})`);
  for (const r of waiting) lines.push(`  ${r.workflowId}  ${r.line}`);
  return `${lines.join('\n')}\n`;
}
