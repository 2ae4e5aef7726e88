/**
 * How much the usage ledger has waiting: the size estimate of a record, the records and characters waiting, and
 * whether a new batch must wait because the backlog is full. Pure functions over the plain-JSON state.
 */
import type { UsageRecord } from './usage-record.ts';
import { MAX_BACKLOG_CHARS, MAX_BACKLOG_RECORDS, RECORD_OVERHEAD_CHARS, type UsageLedgerState } from './state.ts';

/** The size estimate used for batch and carry bounds. */
export function recordChars(record: UsageRecord): number {
  return record.rawJson.length + RECORD_OVERHEAD_CHARS;
}

/** Records waiting for the ledger, over all groups. */
export function pendingCount(state: UsageLedgerState): number {
  return state.pending.reduce((n, group) => n + group.records.length, 0);
}

/** Estimated characters of the waiting records. */
export function pendingChars(state: UsageLedgerState): number {
  return state.pending.reduce((n, group) => group.records.reduce((m, r) => m + recordChars(r), n), 0);
}

/** Why a new batch must wait (the backlog is full), or null when it can be accepted now. */
export function backlogProblem(state: UsageLedgerState): string | null {
  const count = pendingCount(state);
  if (count >= MAX_BACKLOG_RECORDS) return `${count} records waiting for the ledger`;
  const chars = pendingChars(state);
  return chars >= MAX_BACKLOG_CHARS ? `${chars} characters of records waiting for the ledger` : null;
}
