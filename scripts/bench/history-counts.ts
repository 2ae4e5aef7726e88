/**
 * What a measured phase cost the server, read back from the histories of the workflows it touched: history events,
 * workflow tasks, timers started and cancelled, and visibility writes (run starts and closes, search-attribute
 * upserts) — per operation. Every run of each workflow id counts (continue-as-new included), restricted to
 * events whose time falls within the phase.
 */
import type { Client } from '@temporalio/client';

/** Per-operation costs of one phase, read from the histories. */
export interface HistoryCosts {
  readonly events: number;
  readonly workflowTasks: number;
  readonly timersStarted: number;
  readonly timersCancelled: number;
  /** Run starts, run closes (continue-as-new included) and `UpsertWorkflowSearchAttributes` events. */
  readonly visibilityWrites: number;
  readonly searchAttributeUpserts: number;
  readonly activities: number;
  readonly continueAsNew: number;
}

/** `temporal.api.enums.v1.EventType` values counted here. */
const EVENT = {
  started: 1,
  completed: 2,
  failed: 3,
  timedOut: 4,
  wftCompleted: 7,
  activityScheduled: 10,
  timerStarted: 17,
  timerCancelled: 19,
  terminated: 27,
  continuedAsNew: 28,
  upsert: 40,
} as const;

const VISIBILITY: ReadonlySet<number> = new Set([EVENT.started, EVENT.completed, EVENT.failed, EVENT.timedOut, EVENT.terminated, EVENT.upsert, EVENT.continuedAsNew]);

const millis = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  t === null || t === undefined ? 0 : Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);

/** Sums the events of every run of `workflowIds` between `fromMs` and `toMs` (epoch ms), divided by `operations`. */
export async function historyCosts(client: Client, workflowIds: readonly string[], fromMs: number, toMs: number, operations: number): Promise<HistoryCosts> {
  const counts = { events: 0, workflowTasks: 0, timersStarted: 0, timersCancelled: 0, visibilityWrites: 0, searchAttributeUpserts: 0, activities: 0, continueAsNew: 0 };
  for (const workflowId of workflowIds) {
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      for (const event of history.events ?? []) {
        const at = millis(event.eventTime);
        if (at < fromMs || at > toMs) continue;
        const type = Number(event.eventType);
        counts.events++;
        if (type === EVENT.wftCompleted) counts.workflowTasks++;
        if (type === EVENT.timerStarted) counts.timersStarted++;
        if (type === EVENT.timerCancelled) counts.timersCancelled++;
        if (type === EVENT.activityScheduled) counts.activities++;
        if (type === EVENT.continuedAsNew) counts.continueAsNew++;
        if (type === EVENT.upsert) counts.searchAttributeUpserts++;
        if (VISIBILITY.has(type)) counts.visibilityWrites++;
      }
    }
  }
  const per = (v: number) => Math.round((v / operations) * 1000) / 1000;
  return {
    events: per(counts.events),
    workflowTasks: per(counts.workflowTasks),
    timersStarted: per(counts.timersStarted),
    timersCancelled: per(counts.timersCancelled),
    visibilityWrites: per(counts.visibilityWrites),
    searchAttributeUpserts: per(counts.searchAttributeUpserts),
    activities: per(counts.activities),
    continueAsNew: counts.continueAsNew,
  };
}
