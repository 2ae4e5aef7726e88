/**
 * The gate's dead-letter queue: ledger batches whose write failed after the bounded attempts. They are part of the
 * gate state (so they survive continue-as-new), bounded in ops and bytes, shown in the Web UI details and by
 * `ops status`, and written again, in order, by the `lorene-gate.replay-dead-letters` update. Pure.
 */
import type { GateLedgerOp } from './ledger-ops.ts';
import type { GateState } from './state.ts';

/** One batch that could not be written. */
export interface DeadLetter {
  readonly dbPath: string;
  /** The ledger's host, when the gate's config named one: replayed on its queue. */
  readonly gatewayId?: string;
  readonly ops: readonly GateLedgerOp[];
  /** The last error the ledger activity gave. */
  readonly error: string;
  /** When it failed, or was parked behind an earlier failed batch: workflow time, epoch ms. */
  readonly failedAt: number;
}

/** At most this many ops wait in the dead-letter queue; past it the oldest batches are dropped and counted. */
export const MAX_DEAD_LETTER_OPS = 2000;
/** At most this many characters of JSON: continue-as-new carries the queue, far below Temporal's 2 MB payload limit. */
export const MAX_DEAD_LETTER_CHARS = 512 * 1024;

/** How many ops wait in the dead-letter queue. */
export function deadLetterCount(state: GateState): number {
  return (state.deadLetters ?? []).reduce((n, d) => n + d.ops.length, 0);
}

/**
 * Whether writes to `dbPath` are parked: once a batch for a ledger is dead-lettered, later batches for the same
 * ledger queue behind it (never written before it), so a replay writes every row in the order it was decided.
 */
export function isParked(state: GateState, dbPath: string): boolean {
  return (state.deadLetters ?? []).some((d) => d.dbPath === dbPath);
}

/** Appends a batch, dropping the oldest batches (counted in `deadLettersDropped`) beyond the bounds. */
export function addDeadLetter(state: GateState, letter: DeadLetter): GateState {
  const letters = [...(state.deadLetters ?? []), letter];
  let dropped = 0;
  const over = () => letters.reduce((n, d) => n + d.ops.length, 0) > MAX_DEAD_LETTER_OPS || JSON.stringify(letters).length > MAX_DEAD_LETTER_CHARS;
  while (letters.length > 1 && over()) dropped += letters.shift()?.ops.length ?? 0;
  return { ...state, deadLetters: letters, deadLettersDropped: (state.deadLettersDropped ?? 0) + dropped };
}

/** The queue without its first batch (written, or dropped because the activity rejected it as malformed). */
export function withoutFirstDeadLetter(state: GateState, droppedOps = 0): GateState {
  return { ...state, deadLetters: (state.deadLetters ?? []).slice(1), deadLettersDropped: (state.deadLettersDropped ?? 0) + droppedOps };
}

/** The first batch with the error of a failed replay. */
export function withReplayError(state: GateState, error: string): GateState {
  const [first, ...rest] = state.deadLetters ?? [];
  return first === undefined ? state : { ...state, deadLetters: [{ ...first, error }, ...rest] };
}

/** The Web UI and `ops status` suffix: empty when the ledger is healthy. */
export function describeDeadLetters(state: GateState): string {
  const count = deadLetterCount(state);
  const dropped = state.deadLettersDropped ?? 0;
  if (count === 0 && dropped === 0) return '';
  const first = state.deadLetters?.[0];
  const since = first === undefined ? '' : ` since ${new Date(first.failedAt).toISOString().slice(11, 19)} UTC (${first.error})`;
  const lost = dropped > 0 ? `, ${dropped} dropped over the bound` : '';
  return `; LEDGER: ${count} dead-lettered write(s)${since}${lost} — fix the database, then: npm run ops -- replay-dead-letters`;
}
