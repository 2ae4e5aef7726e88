import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchWritten, eventProblem, nextBatch, receiveRecords } from '../../workflows/usage/decide.ts';
import { backlogProblem, pendingChars, pendingCount } from '../../workflows/usage/backlog.ts';
import { describeUsageLedger } from '../../workflows/usage/describe.ts';
import { DEDUPE_WINDOW, MAX_BACKLOG_CHARS, MAX_BACKLOG_RECORDS, MAX_BATCH_CHARS, MAX_RECORDS_PER_BATCH, initialUsageLedgerState } from '../../workflows/usage/state.ts';
import { usageLedgerIdOf, usageLedgerWorkflowId, type UsageLedgerActivities } from '../../workflows/usage/contract.ts';
import { createUsageLedgerActivities } from '../../activities/usage-ledger.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { type UsageRecord } from '../../workflows/usage/usage-record.ts';

const DB = '/var/lib/openclaw/usage.db';
const AT = Date.UTC(2026, 8, 10, 12, 4, 31);

function record(eventId: string, model = 'claude-opus-4-1', extra: Record<string, unknown> = {}): UsageRecord {
  const r = extractUsage({ runId: `run-${eventId}`, provider: 'anthropic', model, usage: { input: 10, output: 2 }, ...extra }, 'llm_output', { eventId, now: AT });
  assert.ok(r);
  return r;
}
const ids = (records: readonly UsageRecord[]) => records.map((r) => r.eventId);
const fresh = () => initialUsageLedgerState('main');

test('usage ledger workflow id is usage-ledger/<agent or default>; agent ids are reduced to safe characters', () => {
  assert.equal(usageLedgerWorkflowId(usageLedgerIdOf('main')), 'usage-ledger/main');
  assert.equal(usageLedgerIdOf(undefined), 'default');
  assert.equal(usageLedgerIdOf('  '), 'default');
  assert.equal(usageLedgerIdOf(42), 'default');
  assert.equal(usageLedgerIdOf('ops team/π'), 'ops_team__');
  assert.equal(usageLedgerIdOf('x'.repeat(100)).length, 64);
});

test('records are accepted in order; a repeated event id within the window is dropped as a duplicate', () => {
  const first = receiveRecords(fresh(), { dbPath: DB, records: [record('a'), record('b')] });
  assert.deepEqual([first.accepted, first.duplicates, first.problem], [2, 0, null]);
  const again = receiveRecords(first.state, { dbPath: DB, records: [record('b'), record('c'), record('c')] });
  assert.deepEqual([again.accepted, again.duplicates], [1, 2]);
  assert.deepEqual(ids(again.state.pending.flatMap((g) => g.records)), ['a', 'b', 'c']);
  assert.equal(again.state.pending.length, 1, 'same ledger file: one group');
  assert.deepEqual(again.state.counters, { received: 3, written: 0, alreadyInLedger: 0, duplicates: 2, malformed: 0, batches: 0 });
});

test('the dedupe window keeps the newest DEDUPE_WINDOW ids: an id older than that is accepted again (the ledger index drops it)', () => {
  let state = receiveRecords(fresh(), { dbPath: DB, records: [record('old')] }).state;
  const filler = Array.from({ length: DEDUPE_WINDOW }, (_, i) => record(`f${i}`));
  state = receiveRecords(state, { dbPath: DB, records: filler }).state;
  assert.equal(state.recentEventIds.length, DEDUPE_WINDOW);
  assert.equal(state.recentEventIds.includes('old'), false);
  assert.equal(receiveRecords(state, { dbPath: DB, records: [record('old')] }).accepted, 1);
  assert.equal(receiveRecords(state, { dbPath: DB, records: [record(`f${DEDUPE_WINDOW - 1}`)] }).duplicates, 1);
});

test('malformed batches and records are dropped and counted: not an object, relative ledger path, records without an id', () => {
  for (const [event, problem] of [
    [null, 'event must be an object'],
    [{ dbPath: DB, records: 'x' }, 'records must be an array'],
    [{ dbPath: 'usage.db', records: [record('r')] }, 'dbPath must be an absolute path'],
  ] as const) {
    const r = receiveRecords(fresh(), event);
    assert.equal(r.problem, problem);
    assert.equal(r.accepted, 0);
    assert.equal(r.state.counters.malformed, 1);
  }
  const mixed = receiveRecords(fresh(), { dbPath: DB, records: [{ eventId: '' }, 7, { ...record('ok') }, { eventId: 'x' }] });
  assert.deepEqual([mixed.accepted, mixed.malformed, mixed.problem], [1, 3, null]);
});

test('a changed ledger path starts a new group; batches never mix ledger files', () => {
  let state = receiveRecords(fresh(), { dbPath: DB, records: [record('a')] }).state;
  state = receiveRecords(state, { dbPath: '/other/usage.db', records: [record('b')] }).state;
  state = receiveRecords(state, { dbPath: DB, records: [record('c')] }).state;
  assert.deepEqual(state.pending.map((g) => [g.dbPath, ids(g.records)]), [[DB, ['a']], ['/other/usage.db', ['b']], [DB, ['c']]]);
  const batch = nextBatch(state);
  assert.deepEqual([batch?.dbPath, ids(batch?.records ?? [])], [DB, ['a']]);
});

test('batches hold at most MAX_RECORDS_PER_BATCH records, and at most MAX_BATCH_CHARS after the first', () => {
  const many = receiveRecords(fresh(), { dbPath: DB, records: Array.from({ length: MAX_RECORDS_PER_BATCH + 50 }, (_, i) => record(`m${i}`)) }).state;
  assert.equal(nextBatch(many)?.records.length, MAX_RECORDS_PER_BATCH);
  const big = (id: string) => record(id, 'm', { blob: 'x'.repeat(1900) }); // rawJson ~2 KB: the size bound binds first
  const bigState = receiveRecords(fresh(), { dbPath: DB, records: Array.from({ length: 300 }, (_, i) => big(`b${i}`)) }).state;
  const bigBatch = nextBatch(bigState);
  assert.ok(bigBatch !== null && bigBatch.records.length < MAX_RECORDS_PER_BATCH);
  assert.ok(pendingChars({ ...bigState, pending: [{ dbPath: DB, records: bigBatch.records }] }) <= MAX_BATCH_CHARS);
  const huge = record('huge', 'm', { blob: 'y'.repeat(60_000) });
  assert.equal(nextBatch(receiveRecords(fresh(), { dbPath: DB, records: [huge] }).state)?.records.length, 1, 'one record always fits');
  assert.equal(nextBatch(fresh()), null);
});

test('a written batch leaves the queue; inserted counts as written, the rest as already in the ledger', () => {
  const total = MAX_RECORDS_PER_BATCH + 100;
  const last = MAX_RECORDS_PER_BATCH - 1;
  const state = receiveRecords(fresh(), { dbPath: DB, records: Array.from({ length: total }, (_, i) => record(`w${i}`, i === last ? 'gpt-4o' : 'claude')) }).state;
  const batch = nextBatch(state);
  assert.ok(batch);
  const after = batchWritten(state, batch, MAX_RECORDS_PER_BATCH - 2, AT);
  assert.equal(pendingCount(after), 100);
  assert.deepEqual(ids(after.pending[0]?.records ?? []).slice(0, 2), [`w${MAX_RECORDS_PER_BATCH}`, `w${MAX_RECORDS_PER_BATCH + 1}`]);
  assert.deepEqual(after.counters, { received: total, written: MAX_RECORDS_PER_BATCH - 2, alreadyInLedger: 2, duplicates: 0, malformed: 0, batches: 1 });
  assert.deepEqual(after.last, { model: 'gpt-4o', provider: 'anthropic', at: AT });
  const rest = nextBatch(after);
  assert.ok(rest);
  assert.deepEqual(batchWritten(after, rest, 100, AT).pending, []);
});

test('the Web UI line says how many records are written and waiting, and the last model', () => {
  assert.equal(describeUsageLedger(fresh()), '0 records written, 0 waiting');
  let state = receiveRecords(fresh(), { dbPath: DB, records: [record('a'), record('b'), record('a')] }).state;
  const batch = nextBatch(state);
  assert.ok(batch);
  state = batchWritten(state, { ...batch, records: batch.records.slice(0, 1) }, 1, AT);
  assert.equal(describeUsageLedger(state), '1 record written, 1 waiting; last model claude-opus-4-1 (anthropic) at 12:04:31 UTC (1 duplicates dropped)');
});

test('a full backlog refuses new batches (by records or by size) until the ledger has caught up', () => {
  const full = receiveRecords(fresh(), { dbPath: DB, records: Array.from({ length: MAX_BACKLOG_RECORDS }, (_, i) => record(`q${i}`)) }).state;
  assert.equal(backlogProblem(receiveRecords(fresh(), { dbPath: DB, records: [record('one')] }).state), null);
  assert.equal(backlogProblem(full), `${MAX_BACKLOG_RECORDS} records waiting for the ledger`);
  const batch = nextBatch(full);
  assert.ok(batch);
  assert.equal(backlogProblem(batchWritten(full, batch, batch.records.length, AT)), null, 'one written batch makes room');
  const wide = Array.from({ length: 80 }, (_, i) => record(`w${i}`, 'm', { blob: 'z'.repeat(2000), more: Array.from({ length: 20 }, () => 'y'.repeat(1500)) }));
  const bySize = receiveRecords(fresh(), { dbPath: DB, records: wide }).state;
  assert.ok(pendingChars(bySize) >= MAX_BACKLOG_CHARS);
  assert.match(backlogProblem(bySize) ?? '', /characters of records waiting/);
});

test('a batch that is not an event for an absolute ledger path is malformed as a whole', () => {
  assert.equal(eventProblem({ dbPath: DB, records: [] }), null);
  assert.equal(eventProblem({ dbPath: 'x.db', records: [] }), 'dbPath must be an absolute path');
  assert.equal(eventProblem({ dbPath: DB }), 'records must be an array');
  assert.equal(eventProblem([]), 'event must be an object');
});

test('the activity the workflow proxies is the one the worker registers (same name, compatible types)', () => {
  const registered = createUsageLedgerActivities({ pool: { open: () => assert.fail('not called') }, logger: { debug: () => undefined, warn: () => undefined } });
  const proxied: UsageLedgerActivities = registered; // fails to compile when the contract and the implementation drift apart
  assert.deepEqual(Object.keys(proxied), ['appendUsage']);
});
