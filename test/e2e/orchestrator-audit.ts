/**
 * The orchestrator side of the auditor: a snapshot of one thread's durable state as Temporal holds it (the thread
 * workflow's query, its subagent-task workflows and their retry workflows), and the invariants "no thread,
 * binding, worker, counter, retry or budget lost" between two snapshots, and "every retry within budget reaches
 * its requester exactly once" from what the fake model was asked. Each violation is a sentence naming its
 * invariant, so `deepEqual(…, [])` prints them by name.
 */
import type { Client } from '@temporalio/client';
import { orchestratorThreadQuery, orchestratorThreadWorkflowId } from '../../workflows/orchestrator/contract.ts';
import { taskStateQuery } from '../../workflows/subagent/contract.ts';
import type { TaskState } from '../../workflows/subagent/state.ts';
import { afterToolResult, turnText, type ModelCall } from './fakes/model-server.ts';

/** One thread as Temporal holds it. */
export interface ThreadSnapshot {
  readonly threadStatus: string;
  readonly orchestratorKey: string | undefined;
  /** Child key → worker status. */
  readonly workers: Readonly<Record<string, string>>;
  /** Blocked-attempt counter key → count. */
  readonly blockedAttempts: Readonly<Record<string, number>>;
  /** Task workflow id → its status and state (state absent when the workflow is closed). */
  readonly tasks: Readonly<Record<string, { readonly status: string; readonly state?: TaskState }>>;
  /** Retry workflow id → its workflow status. */
  readonly retries: Readonly<Record<string, string>>;
}

/** Reads the thread of `frontKey`, every subagent-task workflow and every retry workflow. */
export async function threadSnapshot(client: Client, frontKey: string): Promise<ThreadSnapshot> {
  const handle = client.workflow.getHandle(orchestratorThreadWorkflowId(frontKey));
  const threadStatus = (await handle.describe()).status.name;
  const state = threadStatus === 'RUNNING' ? await handle.query(orchestratorThreadQuery) : undefined;
  const tasks: Record<string, { status: string; state?: TaskState }> = {};
  const retries: Record<string, string> = {};
  for await (const wf of client.workflow.list()) {
    if (!wf.workflowId.startsWith('subagent-task/')) continue;
    if (wf.workflowId.includes('/retry-')) retries[wf.workflowId] = wf.status.name;
    else tasks[wf.workflowId] = { status: wf.status.name, ...(wf.status.name === 'RUNNING' ? { state: await client.workflow.getHandle(wf.workflowId).query(taskStateQuery) } : {}) };
  }
  return {
    threadStatus,
    orchestratorKey: state?.orchestratorKey,
    workers: Object.fromEntries(Object.values(state?.workers ?? {}).map((w) => [w.childKey, w.status])),
    blockedAttempts: Object.fromEntries(Object.entries(state?.blockedAttempts ?? {}).map(([k, b]) => [k, b.count])),
    tasks,
    retries,
  };
}

/**
 * Invariant "no thread, binding, worker, counter, retry or budget lost" across a fault: everything `before` held is
 * still there `after` (a pending retry may have moved on, but only by a respawn the task accepted).
 */
export function threadLossViolations(before: ThreadSnapshot, after: ThreadSnapshot): string[] {
  const out: string[] = [];
  const lost = (what: string) => out.push(`no thread, binding, worker, counter, retry or budget lost: ${what}`);
  if (after.threadStatus !== 'RUNNING') lost(`the thread workflow is ${after.threadStatus}, it was ${before.threadStatus}`);
  if (after.orchestratorKey !== before.orchestratorKey) lost(`the binding to ${before.orchestratorKey ?? '(none)'} is now ${after.orchestratorKey ?? '(none)'}`);
  for (const [child, status] of Object.entries(before.workers)) if (!(child in after.workers)) lost(`worker ${child} (${status}) is gone`);
  for (const [key, count] of Object.entries(before.blockedAttempts)) if ((after.blockedAttempts[key] ?? 0) < count) lost(`blocked-attempt counter ${key} was ${count}, is ${after.blockedAttempts[key] ?? 'gone'}`);
  for (const [id, task] of Object.entries(before.tasks)) {
    const now = after.tasks[id];
    if (task.status === 'RUNNING' && now?.status !== 'RUNNING') lost(`task ${id} was running, is ${now?.status ?? 'gone'}${now?.state ? '' : ' (its retry budget with it)'}`);
    const was = task.state;
    const is = now?.state;
    if (!was || !is) continue;
    if (is.retriesUsed < was.retriesUsed) lost(`task ${id} had used ${was.retriesUsed} retries, now ${is.retriesUsed} (budget reset)`);
    if (is.status === 'ended') lost(`task ${id} was told its requester ended`);
    if (was.pendingRetry && !is.pendingRetry && is.attempts.length <= was.attempts.length) lost(`task ${id}'s pending retry ${was.pendingRetry.attempt} vanished without a respawn`);
  }
  for (const [id, status] of Object.entries(before.retries)) if (status === 'RUNNING' && after.retries[id] !== 'RUNNING' && after.retries[id] !== 'COMPLETED') lost(`retry ${id} was running, is ${after.retries[id] ?? 'gone'}`);
  return out;
}

/**
 * Invariant "every retry within budget reaches its requester exactly once": the number of model requests whose
 * turn (the first call of an agent run) carries the `<orchestrator-retry>` event with `attempt: n/`.
 */
export function retryDeliveryViolations(calls: readonly ModelCall[], attempt: number, expected = 1): string[] {
  const turns = calls.filter((c) => !afterToolResult(c.request) && turnText(c.request).includes('<orchestrator-retry>') && turnText(c.request).includes(`attempt: ${attempt}/`));
  return turns.length === expected ? [] : [`every retry within budget reaches its requester exactly once: retry ${attempt} reached a model turn ${turns.length} times (model calls #${turns.map((c) => c.seq).join(', #') || '—'})`];
}

/** One `session_end` as the orchestrator bridge logged it: the session, the reason, and whether it kept the thread. */
interface LoggedSessionEnd {
  readonly sessionKey: string;
  readonly reason: string | undefined;
  readonly kept: boolean;
}

function loggedSessionEnds(logs: string): LoggedSessionEnd[] {
  const out: LoggedSessionEnd[] = [];
  for (const match of logs.matchAll(/session end (kept its thread|ends what it owns)[^{\n]*(\{[^\n]*\})/g)) {
    let fields: { sessionKey?: unknown; reason?: unknown };
    try {
      fields = JSON.parse(match[2] ?? '') as typeof fields;
    } catch {
      continue; // a line cut by the log writer: no evidence either way
    }
    if (typeof fields.sessionKey !== 'string') continue;
    out.push({ sessionKey: fields.sessionKey, reason: typeof fields.reason === 'string' ? fields.reason : undefined, kept: match[1] === 'kept its thread' });
  }
  return out;
}

/**
 * Invariants of a gateway stop through OpenClaw's own shutdown: "the shutdown drain reached the plugin" (its
 * `session_end` with `reason` for `sessionKey` is in the gateway's log — without it a test of the stop proves
 * nothing about the drain) and "a gateway stop ends no thread" (the bridge kept the thread for it).
 */
export function drainViolations(logs: string, sessionKey: string, reason: 'shutdown' | 'restart'): string[] {
  const ends = loggedSessionEnds(logs).filter((e) => e.sessionKey === sessionKey && e.reason === reason);
  if (ends.length === 0) return [`the shutdown drain reached the plugin: no session_end "${reason}" for ${sessionKey} in the gateway's log`];
  return ends.filter((e) => !e.kept).map(() => `a gateway stop ends no thread: the session_end "${reason}" of ${sessionKey} ended its state`);
}
