/**
 * The usage ledger workflow's state: one plain JSON value, exactly what continue-as-new carries (no Map, Set or
 * class). Records wait in `pending` until the ledger activity has written them.
 */
import type { UsageBatch } from './usage-record.ts';

/** Counters shown in the Web UI and the state query; they survive continue-as-new. */
export interface UsageLedgerCounters {
  /** Records accepted from signals (not duplicates, not malformed). */
  readonly received: number;
  /** New rows the ledger activity inserted. */
  readonly written: number;
  /** Records the activity found already in the ledger (a repeat older than the dedupe window, or an activity retry). */
  readonly alreadyInLedger: number;
  /** Records dropped because their event id was seen within the dedupe window. */
  readonly duplicates: number;
  /** Records (or whole signals) dropped because their shape was wrong. */
  readonly malformed: number;
  /** Activity calls that completed. */
  readonly batches: number;
}

/** The newest record written, for the Web UI ("last model …"). */
export interface LastWritten {
  readonly model: string | null;
  readonly provider: string | null;
  /** Workflow time of the write (epoch ms). */
  readonly at: number;
}

/** Everything one usage ledger workflow knows. */
export interface UsageLedgerState {
  readonly ledgerId: string;
  /** Records waiting for the ledger, grouped by ledger file (a changed `dbPath` starts a new group), oldest first. */
  readonly pending: readonly UsageBatch[];
  /** Event ids accepted recently, newest last, at most {@link DEDUPE_WINDOW}. */
  readonly recentEventIds: readonly string[];
  readonly counters: UsageLedgerCounters;
  readonly last: LastWritten | null;
}

/**
 * How many event ids the workflow remembers. A bridge resends a batch whose delivery timed out; such a repeat
 * arrives within seconds, far inside this window. Older repeats are caught by the ledger's unique index.
 */
export const DEDUPE_WINDOW = 2000;
/** Records per activity call. */
export const MAX_RECORDS_PER_BATCH = 500;
/**
 * Approximate characters per activity call (raw JSON plus a fixed allowance per record): keeps the activity
 * input well below Temporal's 2 MB payload limit even when every record carries a large raw payload.
 */
export const MAX_BATCH_CHARS = 600_000;
/** Pending records carried through continue-as-new are written down to this size first (same 2 MB limit). */
export const MAX_CARRIED_CHARS = 400_000;
/**
 * The backlog at which new batches are refused (records waiting for the ledger): a few activity calls' worth.
 * It bounds what a run holds beyond its history (and carries through continue-as-new) whatever the traffic.
 */
export const MAX_BACKLOG_RECORDS = 2000;
/** The same bound in estimated characters, for batches of large records. */
export const MAX_BACKLOG_CHARS = 2_000_000;
/** The fixed allowance per record in the size estimate: the columns besides `rawJson`, and JSON punctuation. */
export const RECORD_OVERHEAD_CHARS = 400;

/** A ledger that has seen nothing yet. */
export function initialUsageLedgerState(ledgerId: string): UsageLedgerState {
  return {
    ledgerId,
    pending: [],
    recentEventIds: [],
    counters: { received: 0, written: 0, alreadyInLedger: 0, duplicates: 0, malformed: 0, batches: 0 },
    last: null,
  };
}
