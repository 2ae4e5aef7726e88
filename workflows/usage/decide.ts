/**
 * The usage ledger's decisions as pure functions over its plain-JSON state: which records of a signal are new,
 * which batch to write next, and what a written batch changes. The workflow is a thin loop around them; the
 * backlog's measures are in backlog.ts, its Web UI line in describe.ts.
 */
import type { UsageBatch, UsageRecord } from './usage-record.ts';
import { DEDUPE_WINDOW, MAX_BATCH_CHARS, MAX_RECORDS_PER_BATCH, type UsageLedgerState } from './state.ts';
import { recordChars } from './backlog.ts';
import { isRecord } from '../shared/is-record.ts';
import { gatewayIdOf, gatewayIdProblem, sameLedger, type LedgerTarget } from '../shared/ledger-target.ts';

/** What a delivered batch did to the state. `problem` says why a whole batch was dropped. */
export interface Received {
  readonly state: UsageLedgerState;
  readonly accepted: number;
  readonly duplicates: number;
  readonly malformed: number;
  readonly problem: string | null;
}

/**
 * The shape the workflow relies on (an id and the raw JSON for the size estimate). The ledger activity checks
 * every column again before inserting; this only keeps junk out of the state.
 */
function looksLikeRecord(value: unknown): value is UsageRecord {
  return isRecord(value) && typeof value['eventId'] === 'string' && value['eventId'] !== '' && typeof value['rawJson'] === 'string';
}

/** Why a whole batch is malformed (not an event for an absolute ledger path with a records array), or null. */
export function eventProblem(event: unknown): string | null {
  if (!isRecord(event)) return 'event must be an object';
  if (!Array.isArray(event['records'])) return 'records must be an array';
  const dbPath = event['dbPath'];
  if (typeof dbPath !== 'string' || !dbPath.startsWith('/')) return 'dbPath must be an absolute path';
  return gatewayIdProblem(event['gatewayId']);
}

/**
 * Accepts the records of one batch that are well-formed and not seen within the dedupe window (nor earlier in
 * the same batch). A batch that is not an event for an absolute ledger path is dropped whole.
 */
export function receiveRecords(state: UsageLedgerState, event: unknown): Received {
  const drop = (problem: string, malformed: number): Received => ({
    state: { ...state, counters: { ...state.counters, malformed: state.counters.malformed + malformed } },
    accepted: 0, duplicates: 0, malformed, problem,
  });
  const problem = eventProblem(event);
  if (problem !== null || !isRecord(event)) return drop(problem ?? 'event must be an object', 1);
  const gatewayId = event['gatewayId'] as string | undefined;
  const target: LedgerTarget = { dbPath: event['dbPath'] as string, ...(gatewayId !== undefined && { gatewayId }) };
  const records = event['records'] as unknown[];

  const seen = new Set(state.recentEventIds);
  const accepted: UsageRecord[] = [];
  let duplicates = 0;
  let malformed = 0;
  for (const candidate of records) {
    if (!looksLikeRecord(candidate)) malformed += 1;
    else if (seen.has(candidate.eventId)) duplicates += 1;
    else {
      seen.add(candidate.eventId);
      accepted.push(candidate);
    }
  }
  const last = state.pending.at(-1);
  const pending: UsageBatch[] =
    accepted.length === 0 ? [...state.pending]
    : last !== undefined && sameLedger(last, target) ? [...state.pending.slice(0, -1), { ...target, records: [...last.records, ...accepted] }]
    : [...state.pending, { ...target, records: accepted }];
  const recentEventIds = [...state.recentEventIds, ...accepted.map((r) => r.eventId)].slice(-DEDUPE_WINDOW);
  const c = state.counters;
  return {
    state: {
      ...state, pending, recentEventIds,
      counters: { ...c, received: c.received + accepted.length, duplicates: c.duplicates + duplicates, malformed: c.malformed + malformed },
    },
    accepted: accepted.length, duplicates, malformed, problem: null,
  };
}

/** The head of the oldest group, bounded by count and size (always at least one record), or null when idle. */
export function nextBatch(state: UsageLedgerState): UsageBatch | null {
  const group = state.pending[0];
  if (group === undefined || group.records.length === 0) return null;
  let chars = 0;
  let take = 0;
  for (const record of group.records) {
    chars += recordChars(record);
    if (take > 0 && (take >= MAX_RECORDS_PER_BATCH || chars > MAX_BATCH_CHARS)) break;
    take += 1;
  }
  return { dbPath: group.dbPath, ...gatewayIdOf(group), records: group.records.slice(0, take) };
}

/** The state after `batch` (from {@link nextBatch}) was written and `inserted` of its rows were new. */
export function batchWritten(state: UsageLedgerState, batch: UsageBatch, inserted: number, now: number): UsageLedgerState {
  const [group, ...rest] = state.pending;
  const remaining = group === undefined ? [] : group.records.slice(batch.records.length);
  const pending = remaining.length > 0 && group !== undefined ? [{ dbPath: group.dbPath, ...gatewayIdOf(group), records: remaining }, ...rest] : rest;
  const newest = batch.records.at(-1);
  const c = state.counters;
  return {
    ...state,
    pending,
    counters: { ...c, written: c.written + inserted, alreadyInLedger: c.alreadyInLedger + (batch.records.length - inserted), batches: c.batches + 1 },
    last: newest === undefined ? state.last : { model: newest.model, provider: newest.provider, at: now },
  };
}
