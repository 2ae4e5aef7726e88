/**
 * The usage-ledger contract: the messages between the gateway bridge and the usage ledger workflows, declared
 * once and imported by both sides. Wire names are frozen: recorded histories contain them.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { UsageBatch, UsageRecord } from './usage-record.ts';
import type { LedgerBatchRef } from '../shared/ledger-handoff.ts';
import type { UsageLedgerState } from './state.ts';

export type { UsageBatch, UsageRecord };

/** The plugin id, also the value of the `OpenClawPlugin` search attribute of every usage ledger workflow. */
export const USAGE_LEDGER_PLUGIN_ID = 'usage-ledger';

/** The workflow type name the bridge starts (the exported function's name in workflows/index.ts). */
export const USAGE_LEDGER_WORKFLOW_TYPE = 'usageLedgerWorkflow';

/**
 * Usage rows observed by the gateway, for one ledger file. Every record carries its stable `eventId`: the
 * workflow drops one it has seen recently, and the ledger's unique index drops any older repeat.
 *
 * Delivered as an update, not a signal, for backpressure: a signal is written to history whether or not the
 * workflow can keep up, so a burst (or a stopped ledger worker) grows the history until the server terminates
 * the workflow with every record still waiting in it. The update's validator refuses a batch while the backlog is
 * full ({@link USAGE_LEDGER_BUSY}); a refused update never reaches history, and the batch waits in the gateway's
 * outbox instead.
 */
export type UsageRecordsEvent = UsageBatch;

/** Arguments of the usage ledger workflow; `state` is given only by continue-as-new. */
export interface UsageLedgerWorkflowArgs {
  /** The agent whose usage this ledger workflow batches (`default` when the host named none). */
  readonly ledgerId: string;
  readonly state?: UsageLedgerState;
  /**
   * Continue as new once the history has this many events (or when the server suggests it, whichever comes
   * first). Tests lower it to reach the path. @default 2000
   */
  readonly maxHistoryEvents?: number;
  /** Continue as new once the history is this large (records carry their raw JSON). @default 4 MiB */
  readonly maxHistoryBytes?: number;
}

/** How many of the batch's rows were new; the rest were already there (a retried or duplicated delivery) or malformed. */
export interface AppendUsageResult {
  readonly inserted: number;
}

/** The ledger activity the workflow calls (implemented by `createUsageLedgerActivities` in activities/usage-ledger.ts). */
export interface UsageLedgerActivities {
  /**
   * Inserts the batch in one transaction, each row at most once (unique `event_id`). Given the records inline
   * (older runs), or a reference the activity reads by {@link usageLedgerBatchQuery}.
   */
  appendUsage(batch: UsageBatch | LedgerBatchRef): Promise<AppendUsageResult>;
}

/** What the workflow did with one delivered batch. */
export interface UsageRecordsResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly malformed: number;
}

/** The `ApplicationFailure` type (and message prefix) of a batch refused because the backlog is full: retry later. */
export const USAGE_LEDGER_BUSY = 'UsageLedgerBusy';
/** The `ApplicationFailure` type of a batch that can never be accepted (not an event for an absolute ledger path). */
export const INVALID_USAGE_RECORDS = 'InvalidUsageRecords';

export const usageRecordsUpdate = defineUpdate<UsageRecordsResult, [UsageRecordsEvent]>('usage-ledger.records');
export const usageLedgerStateQuery = defineQuery<UsageLedgerState>('usage-ledger.state');
/** The records of a batch the ledger workflow lends to its activity (see `workflows/shared/ledger-handoff.ts`). */
export const usageLedgerBatchQuery = defineQuery<readonly UsageRecord[] | null, [string]>('usage-ledger.batch');

/**
 * The ledger id for an agent: its id reduced to `[A-Za-z0-9._-]` (at most 64 characters), `default` when
 * there is none. Workflow ids and Web UI titles must not depend on arbitrary host strings.
 */
export function usageLedgerIdOf(agentId: unknown): string {
  const cleaned = typeof agentId === 'string' ? agentId.trim().replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) : '';
  return cleaned === '' ? 'default' : cleaned;
}

/** Workflow id of the usage ledger of one agent: `usage-ledger/<agent or default>`. */
export function usageLedgerWorkflowId(ledgerId: string): string {
  return `usage-ledger/${ledgerId}`;
}
