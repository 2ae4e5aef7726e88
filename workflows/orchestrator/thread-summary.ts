/**
 * What an operator sees of a thread in the Temporal Web UI: one line of current details ("orchestrator
 * agent:main:subagent:… — 3 workers: 2 running, 1 error") and, once the thread is over, its final summary
 * (the workflow's result). Session keys appear, message contents never do.
 */
import type { ThreadState, WorkerRecord } from './thread-state.ts';

/** Why a thread ended: its front session ended, or its orchestrator ended (as a subagent, or its session). */
export type ThreadEndReason = 'front-session-ended' | 'orchestrator-ended' | 'orchestrator-session-ended';

/** The workflow's result: who the thread was, how it ended, and how its workers fared. */
export interface ThreadResult {
  readonly frontKey: string;
  readonly orchestratorKey: string | null;
  readonly endedBy: ThreadEndReason;
  readonly workers: number;
  /** Worker count per status (`running`, `ok`, `error`, …). */
  readonly byStatus: Readonly<Record<string, number>>;
  readonly summary: string;
}

const END_TEXT: Readonly<Record<ThreadEndReason, string>> = {
  'front-session-ended': 'the front session ended',
  'orchestrator-ended': 'the hidden orchestrator ended',
  'orchestrator-session-ended': "the hidden orchestrator's session ended",
};

/** Worker count per status. */
export function statusCounts(workers: readonly WorkerRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const worker of workers) counts[worker.status] = (counts[worker.status] ?? 0) + 1;
  return counts;
}

/** "2 running, 1 error": most frequent status first, ties by name, so the line is stable. */
export function formatStatusCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
}

function workersLine(workers: readonly WorkerRecord[]): string {
  if (workers.length === 0) return 'no workers yet';
  return `${workers.length} worker${workers.length === 1 ? '' : 's'}: ${formatStatusCounts(statusCounts(workers))}`;
}

/** The workers the orchestrator (or a session of its thread) spawned. */
function threadWorkers(thread: ThreadState): WorkerRecord[] {
  return Object.values(thread.workers);
}

/** The current-details line of a running thread. */
export function describeThread(thread: ThreadState): string {
  const workers = threadWorkers(thread);
  if (thread.orchestratorKey !== undefined) return `orchestrator ${thread.orchestratorKey} — ${workersLine(workers)}`;
  const pending = Object.keys(thread.pendingSpawns).length;
  const waiting = pending > 0 ? ` (${pending} spawn${pending === 1 ? '' : 's'} pending)` : '';
  return `front ${thread.frontKey} — no orchestrator bound${waiting}`;
}

/** The final summary of a thread, computed from its state just before it ended. */
export function threadResult(thread: ThreadState, endedBy: ThreadEndReason): ThreadResult {
  const workers = threadWorkers(thread);
  const byStatus = statusCounts(workers);
  const orchestratorKey = thread.orchestratorKey ?? null;
  const who = orchestratorKey === null ? 'no orchestrator was bound' : `orchestrator ${orchestratorKey}, ${workersLine(workers)}`;
  return {
    frontKey: thread.frontKey,
    orchestratorKey,
    endedBy,
    workers: workers.length,
    byStatus,
    summary: `thread of ${thread.frontKey} ended (${END_TEXT[endedBy]}): ${who}`,
  };
}
