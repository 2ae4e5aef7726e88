/**
 * The usage ledger workflow on a real Temporal dev server with the real worker and a real SQLite ledger, fed by
 * the bridge's own client (`UsageLedgerClient` over `TemporalBridge`), as the plugin's sender loop feeds it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { USAGE_LEDGER_BUSY, usageLedgerStateQuery, usageLedgerWorkflowId } from '../../workflows/usage/contract.ts';
import { MAX_BACKLOG_RECORDS, MAX_RECORDS_PER_BATCH, type UsageLedgerState } from '../../workflows/usage/state.ts';
import { OPENCLAW_PLUGIN } from '../../workflows/shared/search-attributes.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { type UsageRecord } from '../../workflows/usage/usage-record.ts';
import { UsageLedgerClient } from '../../plugin-bridge/usage-ledger/ledger-client.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { eventually } from '../helpers/temporal.ts';
import { withBridgeStack } from '../helpers/bridge-stack.ts';
import { readValue } from '../helpers/sqlite.ts';

let usage: UsageLedgerClient;
const stack = withBridgeStack('usage-wf', ({ bridge }) => {
  usage = new UsageLedgerClient(bridge, { taskQueue: 'openclaw-temporal' });
});
const dbPath = join(stack.dir, 'usage-ledger.db');
const soon = () => Date.now() + 10_000;

function record(eventId: string, model = 'claude-opus-4-1', extra: Record<string, unknown> = {}): UsageRecord {
  const r = extractUsage({ runId: `run-${eventId}`, provider: 'anthropic', model, usage: { input: 100, output: 20, cacheRead: 80 }, ...extra }, 'llm_output', { eventId, now: Date.now() });
  assert.ok(r);
  return r;
}
const records = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => record(`${prefix}-${i}`));
const state = (ledgerId: string) => stack.env.client.workflow.getHandle(usageLedgerWorkflowId(ledgerId)).query(usageLedgerStateQuery) as Promise<UsageLedgerState>;
const settled = (ledgerId: string, check: (s: UsageLedgerState) => boolean) =>
  eventually(`${ledgerId} settled`, async () => {
    const s = await state(ledgerId);
    return check(s) ? s : undefined;
  }, 30_000);
const count = (sql: string, ...params: unknown[]): number => readValue<number>(dbPath, sql, ...params) ?? 0;

/** Delivers a batch as the plugin's sender does: a batch refused as busy is offered again shortly. Returns the refusals. */
async function deliverRetrying(client: UsageLedgerClient, ledgerId: string, batch: UsageRecord[]): Promise<number> {
  for (let refusals = 0; ; refusals += 1) {
    try {
      await client.send(ledgerId, { dbPath, records: batch }, soon());
      return refusals;
    } catch (err) {
      if (!(err instanceof TemporalCallError && err.detail.includes(USAGE_LEDGER_BUSY))) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('usage ledger workflow (real dev server)', () => {
  test(`records delivered to usage-ledger/<agent> are written to llm_usage_events in batches of at most ${MAX_RECORDS_PER_BATCH}, once each`, async () => {
    const n = 2 * MAX_RECORDS_PER_BATCH + 50;
    assert.deepEqual(await usage.send('batching', { dbPath, records: records('b', n) }, soon()), { accepted: n, duplicates: 0, malformed: 0 });
    const s = await settled('batching', (x) => x.counters.written === n);
    assert.deepEqual(s.counters, { received: n, written: n, alreadyInLedger: 0, duplicates: 0, malformed: 0, batches: 3 });
    assert.deepEqual(s.pending, []);
    assert.equal(count("SELECT COUNT(DISTINCT event_id) FROM llm_usage_events WHERE event_id LIKE 'b-%'"), n);
    assert.equal(count("SELECT SUM(total_tokens) FROM llm_usage_events WHERE event_id LIKE 'b-%'"), n * 120);
  });

  test('a repeated record is dropped by event id: within the window by the workflow, across ledger workflows by the unique index', async () => {
    const batch = records('d', 20);
    await usage.send('dupes', { dbPath, records: batch }, soon());
    assert.deepEqual(await usage.send('dupes', { dbPath, records: [...batch.slice(0, 5), record('d-new')] }, soon()), { accepted: 1, duplicates: 5, malformed: 0 });
    const s = await settled('dupes', (x) => x.counters.written === 21);
    assert.deepEqual([s.counters.duplicates, s.counters.received], [5, 21]);
    await usage.send('dupes-elsewhere', { dbPath, records: batch.slice(0, 3) }, soon());
    const other = await settled('dupes-elsewhere', (x) => x.counters.batches === 1);
    assert.deepEqual([other.counters.written, other.counters.alreadyInLedger], [0, 3]);
    assert.equal(count("SELECT COUNT(*) FROM llm_usage_events WHERE event_id LIKE 'd-%'"), 21);
  });

  test('continue-as-new carries counters, the dedupe window and waiting records: nothing lost, nothing twice', async () => {
    const lowBound = new UsageLedgerClient(stack.bridge, { taskQueue: 'openclaw-temporal', workflowArgs: { maxHistoryEvents: 25 } });
    const sent: UsageRecord[] = [];
    for (let i = 0; i < 30; i += 1) {
      const batch = records(`c${i}`, 10);
      sent.push(...batch);
      await deliverRetrying(lowBound, 'can', batch);
    }
    await deliverRetrying(lowBound, 'can', sent.slice(-4)); // repeats after the runs turned over
    const s = await settled('can', (x) => x.counters.written === 300 && x.counters.duplicates === 4);
    assert.deepEqual([s.counters.received, s.counters.alreadyInLedger, s.pending.length], [300, 0, 0]);
    const runs: string[] = [];
    for await (const run of stack.env.client.workflow.list({ query: `WorkflowId = "${usageLedgerWorkflowId('can')}"` })) runs.push(run.status.name);
    assert.ok(runs.filter((r) => r === 'CONTINUED_AS_NEW').length >= 2, `continued as new (${runs.join(', ')})`);
    const current = await stack.env.client.workflow.getHandle(usageLedgerWorkflowId('can')).describe();
    assert.ok(current.historyLength < 25 + 40, `history stays bounded (${current.historyLength})`);
    assert.equal(count("SELECT COUNT(*) FROM llm_usage_events WHERE event_id LIKE 'c%'"), 300);
  });

  test('under steady traffic a run still continues as new by size: new batches are refused while it drains, nothing is lost', async () => {
    const maxHistoryBytes = 500_000;
    const bySize = new UsageLedgerClient(stack.bridge, { taskQueue: 'openclaw-temporal', workflowArgs: { maxHistoryBytes } });
    // Records with ~4 KB of raw JSON, from three senders that never pause: the backlog is replenished as fast as it
    // is written, so a run that kept taking batches while draining would never get down to what it may carry. The
    // JSON is random (base64): the payload codec compresses, and repeated characters would shrink to nothing.
    const noise = () => randomBytes(1425).toString('base64');
    const big = (prefix: string) => Array.from({ length: 40 }, (_, i) => record(`${prefix}-${i}`, 'claude-opus-4-1', { a: noise(), b: noise() }));
    let refusals = 0;
    await Promise.all([0, 1, 2].map(async (lane) => {
      for (let i = 0; i < 10; i += 1) refusals += await deliverRetrying(bySize, 'steady', big(`st${lane}-${i}`));
    }));
    const s = await settled('steady', (x) => x.pending.length === 0 && x.counters.received === 1200);
    assert.equal(s.counters.written, 1200);
    assert.equal(count("SELECT COUNT(*) FROM llm_usage_events WHERE event_id LIKE 'st%'"), 1200);
    const sizes: number[] = [];
    for await (const run of stack.env.client.workflow.list({ query: `WorkflowId = "${usageLedgerWorkflowId('steady')}" AND ExecutionStatus = "ContinuedAsNew"` })) {
      sizes.push((await stack.env.client.workflow.getHandle(run.workflowId, run.runId).describe()).historySize ?? 0);
    }
    assert.ok(sizes.length >= 2, `continued as new by size (${sizes.length} runs, ${refusals} refusals)`);
    // Past the bound a run writes its current batch and drains its backlog to what it may carry: under 3 MB here
    // (a run that kept taking batches while draining grew past 10 MB in this test).
    for (const size of sizes) assert.ok(size < 3_000_000, `each run stays near the bound (${size} bytes; ${refusals} refusals)`);
  });

  test('a batch for a relative ledger path is refused before history; malformed records in a batch are dropped and counted', async () => {
    const refused = await usage.send('junk', { dbPath: 'relative.db', records: records('j', 2) }, soon()).then(
      () => assert.fail('a relative ledger path must be refused'),
      (err: unknown) => err,
    );
    assert.ok(refused instanceof TemporalCallError && refused.kind === 'rejected', String(refused));
    assert.match(refused.detail, /dbPath must be an absolute path/);
    const junk = { dbPath, records: [{ eventId: '' }, 7, record('j-ok')] } as unknown as { dbPath: string; records: UsageRecord[] };
    assert.deepEqual(await usage.send('junk', junk, soon()), { accepted: 1, duplicates: 0, malformed: 2 });
    const s = await settled('junk', (x) => x.counters.written === 1);
    assert.equal(s.counters.malformed, 2);
    assert.equal(count("SELECT COUNT(*) FROM llm_usage_events WHERE event_id LIKE 'j-%'"), 1);
  });

  test('while the backlog is full (the ledger cannot be written) new batches are refused as busy and never reach history', async () => {
    writeFileSync(join(stack.dir, 'not-a-dir'), 'x');
    const unwritable = join(stack.dir, 'not-a-dir', 'usage.db'); // mkdir fails: the activity retries, the backlog stays
    for (let i = 0; i < MAX_BACKLOG_RECORDS / 200; i += 1) {
      assert.equal((await usage.send('stuck', { dbPath: unwritable, records: records(`s${i}`, 200) }, soon())).accepted, 200);
    }
    const busy = await usage.send('stuck', { dbPath: unwritable, records: records('s-more', 5) }, soon()).then(
      () => assert.fail('a full backlog must refuse the batch'),
      (err: unknown) => err,
    );
    assert.ok(busy instanceof TemporalCallError && busy.kind === 'rejected', String(busy));
    assert.match(busy.detail, new RegExp(`${USAGE_LEDGER_BUSY}: ${MAX_BACKLOG_RECORDS} records waiting`));
    const history = await stack.env.client.workflow.getHandle(usageLedgerWorkflowId('stuck')).fetchHistory();
    const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes != null);
    assert.equal(accepted.length, MAX_BACKLOG_RECORDS / 200, 'the refused batch is not in the history');
    assert.equal((await state('stuck')).counters.received, MAX_BACKLOG_RECORDS);
    await stack.env.client.workflow.getHandle(usageLedgerWorkflowId('stuck')).terminate('test done: its ledger path is unwritable');
  });

  test('the Web UI shows a static summary, the current details line and the OpenClawPlugin search attribute', async () => {
    const handle = stack.env.client.workflow.getHandle(usageLedgerWorkflowId('batching'));
    const description = await handle.describe();
    assert.equal(await description.staticSummary(), 'usage-ledger · batching');
    assert.match((await description.staticDetails()) ?? '', /llm_usage_events/);
    assert.equal(description.typedSearchAttributes.get(OPENCLAW_PLUGIN), 'usage-ledger');
    const metadata = await handle.query(workflowMetadataQuery);
    assert.match(metadata.currentDetails ?? '', /^1050 records written, 0 waiting; last model claude-opus-4-1 \(anthropic\) at \d\d:\d\d:\d\d UTC$/);
    const listed = await stack.env.client.workflow.count('OpenClawPlugin = "usage-ledger"');
    assert.ok(listed.count >= 4, `found by plugin (${listed.count})`);
  });
});
