/**
 * The seen-messages ledger while its database keeps failing (runs since the `seen-ledger-bounded-writes` patch):
 * a failed batch stays queued and is tried again after a growing pause, the queue is bounded, and the workflow's
 * details say so. Seen rows are independent and idempotent, so retrying them later in any order is safe. Pure.
 */
import type { SeenLedgerFailure, SeenMessagesEvent } from './contract.ts';

/** The first pause after a failed write; it doubles up to {@link MAX_RETRY_DELAY_MS}. */
export const FIRST_RETRY_DELAY_MS = 5000;
export const MAX_RETRY_DELAY_MS = 5 * 60_000;
/** At most this many rows wait; beyond it the oldest are dropped and counted. */
export const MAX_WAITING_SEEN_ROWS = 2000;

/** The failure after one more failed write at `now`. */
export function nextFailure(previous: SeenLedgerFailure | null, error: string, now: number): SeenLedgerFailure {
  const delayMs = previous === null ? FIRST_RETRY_DELAY_MS : Math.min(previous.delayMs * 2, MAX_RETRY_DELAY_MS);
  return { error, since: previous?.since ?? now, retryAt: now + delayMs, delayMs };
}

/** Drops the oldest events until at most {@link MAX_WAITING_SEEN_ROWS} rows wait; returns how many rows went. */
export function boundWaiting(pending: SeenMessagesEvent[]): { pending: SeenMessagesEvent[]; dropped: number } {
  let rows = pending.reduce((n, e) => n + e.rows.length, 0);
  let first = 0;
  let dropped = 0;
  while (rows > MAX_WAITING_SEEN_ROWS && first < pending.length - 1) {
    const size = pending[first]?.rows.length ?? 0;
    rows -= size;
    dropped += size;
    first += 1;
  }
  return { pending: pending.slice(first), dropped };
}

/** The Web UI line. */
export function describeSeenLedger(channel: string, recorded: number, waiting: number, failure: SeenLedgerFailure | null, dropped: number): string {
  const base = `channel ${channel}: ${recorded} inbound message(s) recorded by this run, ${waiting} waiting`;
  if (failure === null && dropped === 0) return base;
  const time = (t: number) => new Date(t).toISOString().slice(11, 19);
  const failing = failure === null ? '' : `; LEDGER failing since ${time(failure.since)} UTC (${failure.error}), next try ${time(failure.retryAt)} UTC`;
  return `${base}${failing}${dropped > 0 ? `; ${dropped} row(s) dropped over the bound` : ''}`;
}
