/**
 * The usage ledger's decisions as pure functions over its plain-JSON state: which records of a signal are new,
 * which batch to write next, and what a written batch changes. The workflow is a thin loop around them.
 */
import type { UsageBatch, UsageRecord } from './usage-record.ts';
import {
  DEDUPE_WINDOW,
  MAX_BACKLOG_CHARS,
  MAX_BACKLOG_RECORDS,
  MAX_BATCH_CHARS,
  MAX_RECORDS_PER_BATCH,
  RECORD_OVERHEAD_CHARS,
  type UsageLedgerState,
} from './state.ts';
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

/** Why a whole batch is malformed (not an event for an absolute ledger path with a records array), or null. */
export function eventProblem(event: unknown): string | null {
  if (!isRecord(event)) return 'event must be an object';
  if (!Array.isArray(event['records'])) return 'records must be an array';
  const dbPath = event['dbPath'];
  if (typeof dbPath !== 'string' || !dbPath.startsWith('/')) return 'dbPath must be an absolute path';
  return gatewayIdProblem(event['gatewayId']);
}

/** Why a new batch must wait (the backlog is full), or null when it can be accepted now. */
export function backlogProblem(state: UsageLedgerState): string | null {
  const count = pendingCount(state);
  if (count >= MAX_BACKLOG_RECORDS) return `${count} records waiting for the ledger`;
  const chars = pendingChars(state);
  return chars >= MAX_BACKLOG_CHARS ? `${chars} characters of records waiting for the ledger` : null;
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

/** One line for the Web UI: "1204 records written, 17 waiting; last model claude-opus-4-1 (anthropic) at 12:04:31 UTC". */
export function describeUsageLedger(state: UsageLedgerState): string {
  const n = (value: number) => String(value);
  const { written, duplicates, alreadyInLedger, malformed } = state.counters;
  const records = written === 1 ? 'record' : 'records';
  const parts = [`${n(written)} ${records} written, ${n(pendingCount(state))} waiting`];
  if (state.last !== null) {
    const at = new Date(state.last.at).toISOString().slice(11, 19);
    parts.push(`last model ${state.last.model ?? '(none)'}${state.last.provider === null ? '' : ` (${state.last.provider})`} at ${at} UTC`);
  }
  const skipped = [[duplicates, 'duplicates dropped'], [alreadyInLedger, 'already in the ledger'], [malformed, 'malformed']] as const;
  const noted = skipped.filter(([count]) => count > 0).map(([count, what]) => `${n(count)} ${what}`);
  return noted.length > 0 ? `${parts.join('; ')} (${noted.join(', ')})` : parts.join('; ');
}
