/**
 * The delivery loop against real outbox files. Temporal is the one stand-in: a `deliver` function that the test
 * switches between answering and failing exactly as the bridge does (a TemporalCallError). The real Temporal
 * path is covered by test/workflow/usage-ledger.test.ts and test/durability/usage-durability.test.ts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBridgeLogger } from '../../plugin-bridge/shared/bridge-logger.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { type UsageRecord } from '../../workflows/usage/usage-record.ts';
import { Outbox } from '../../plugin-bridge/usage-ledger/outbox.ts';
import { UsageSender, type SenderOptions } from '../../plugin-bridge/usage-ledger/sender.ts';
import type { UsageRecordsEvent } from '../../workflows/usage/contract.ts';
import { eventually } from '../helpers/temporal.ts';

const root = mkdtempSync(join(tmpdir(), 'usage-sender-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const DB = '/srv/usage.db';

function record(eventId: string): UsageRecord {
  const r = extractUsage({ runId: eventId, model: 'm', usage: { input: 3, output: 4 } }, 'llm_output', { eventId, now: 1 });
  assert.ok(r);
  return r;
}

/** A sender over a fresh outbox file and a switchable Temporal stand-in that records what it was given. */
function harness(options: Partial<SenderOptions> = {}, outboxMaxBytes = 8 * 1024 * 1024) {
  const path = join(mkdtempSync(join(root, `case-${dirs++}-`)), 'usage-ledger', 'outbox.jsonl');
  const temporal = { up: true, refuse: false, busy: 0, calls: 0, delivered: [] as { ledgerId: string; event: UsageRecordsEvent }[] };
  const logs: { level: string; message: string }[] = [];
  const logger = createBridgeLogger(
    { debug: (m) => logs.push({ level: 'debug', message: m }), info: (m) => logs.push({ level: 'info', message: m }), warn: (m) => logs.push({ level: 'warn', message: m }), error: (m) => logs.push({ level: 'error', message: m }) },
    { plugin: 'usage-ledger' },
    true,
  );
  const deliver = async (ledgerId: string, event: UsageRecordsEvent) => {
    temporal.calls += 1;
    if (!temporal.up) throw new TemporalCallError('usage-ledger.records', 'unavailable', '14 UNAVAILABLE: connect ECONNREFUSED');
    if (temporal.refuse && event.records.length > 1) throw new TemporalCallError('usage-ledger.records', 'rejected', 'payload too large');
    if (temporal.busy > 0) {
      temporal.busy -= 1;
      throw new TemporalCallError('usage-ledger.records', 'rejected', 'Workflow Update failed (UsageLedgerBusy: 1000 records waiting for the ledger, retry later)');
    }
    temporal.delivered.push({ ledgerId, event: structuredClone(event) });
  };
  const sender = new UsageSender(deliver, logger, { batchMaxRecords: 50, batchMaxChars: 1_000_000, bufferMaxRecords: 1000, sendTimeoutMs: 1000, retryIntervalMs: 100, ...options });
  const outbox = new Outbox(path, outboxMaxBytes);
  const deliveredIds = () => temporal.delivered.flatMap((d) => d.event.records.map((r) => r.eventId));
  return { path, temporal, logs, sender, outbox, deliveredIds, start: () => sender.start(DB, outbox) };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

test('records are delivered in batches of batchMaxRecords, per ledger, with the ledger path', async () => {
  const h = harness();
  await h.start();
  for (const id of ids('a', 120)) h.sender.enqueue('main', record(id));
  h.sender.enqueue('ops', record('o1'));
  await eventually('all delivered', () => (h.deliveredIds().length === 121 ? true : undefined));
  assert.deepEqual(h.temporal.delivered.map((d) => [d.ledgerId, d.event.dbPath, d.event.records.length]), [
    ['main', DB, 50], ['main', DB, 50], ['main', DB, 20], ['ops', DB, 1],
  ]);
  assert.deepEqual(h.deliveredIds(), [...ids('a', 120), 'o1']);
  await h.sender.stop();
  assert.equal(existsSync(h.path), false, 'no outbox was needed');
});

test('while Temporal is unreachable records wait in the outbox file; when it is back they are delivered in order and the file is removed', async () => {
  const h = harness();
  await h.start();
  h.sender.enqueue('main', record('before'));
  await eventually('first delivered', () => (h.deliveredIds().length === 1 ? true : undefined));
  h.temporal.up = false;
  for (const id of ids('down', 30)) h.sender.enqueue('main', record(id));
  await eventually('spilled to the outbox file', () => (existsSync(h.path) && h.sender.stats().spilled >= 30 ? true : undefined));
  for (const id of ids('later', 30)) h.sender.enqueue('main', record(id));
  await eventually('later records queued behind them on disk', () => (h.sender.stats().spilled === 60 && h.sender.stats().buffered === 0 ? true : undefined));
  assert.ok(h.logs.some((l) => l.level === 'warn' && /Temporal unreachable: usage records wait in the outbox/.test(l.message)));
  const failedWhileDown = h.temporal.calls;
  h.temporal.up = true;
  await eventually('outbox delivered', () => (h.deliveredIds().length === 61 ? true : undefined));
  assert.deepEqual(h.deliveredIds(), ['before', ...ids('down', 30), ...ids('later', 30)]);
  await eventually('outbox file removed', () => (existsSync(h.path) ? undefined : true));
  assert.ok(failedWhileDown > 1, 'it kept retrying');
  assert.ok(h.logs.some((l) => l.level === 'info' && /usage outbox delivered and removed/.test(l.message)));
  await h.sender.stop();
});

test('stop writes what is still buffered to the outbox; the next start delivers it first', async () => {
  const h = harness();
  h.temporal.up = false;
  await h.start();
  for (const id of ids('s', 10)) h.sender.enqueue('main', record(id));
  await h.sender.stop();
  assert.equal(h.sender.stats().buffered, 0);
  assert.equal(existsSync(h.path), true);
  h.temporal.up = true;
  const next = new UsageSender(async (ledgerId, event) => void h.temporal.delivered.push({ ledgerId, event }), createBridgeLogger({ info: () => undefined, warn: () => undefined, error: () => undefined }, {}, false),
    { batchMaxRecords: 50, batchMaxChars: 1_000_000, bufferMaxRecords: 1000, sendTimeoutMs: 1000, retryIntervalMs: 100 });
  await next.start(DB, new Outbox(h.path, 8 * 1024 * 1024));
  next.enqueue('main', record('new'));
  await eventually('restart delivered the outbox, then the new record', () => (h.deliveredIds().length === 11 ? true : undefined));
  assert.deepEqual(h.deliveredIds(), [...ids('s', 10), 'new']);
  await next.stop();
  assert.equal(existsSync(h.path), false);
});

test('a full buffer drops records and reports the count at warn (never silently)', async () => {
  const h = harness({ bufferMaxRecords: 100 });
  for (const id of ids('f', 130)) h.sender.enqueue('main', record(id)); // not started: nothing drains the buffer
  assert.deepEqual([h.sender.stats().buffered, h.sender.stats().droppedBufferFull], [100, 30]);
  await h.start();
  await eventually('the 100 kept are delivered', () => (h.deliveredIds().length === 100 ? true : undefined));
  assert.ok(h.logs.some((l) => l.level === 'warn' && /usage buffer full: records dropped/.test(l.message) && /"dropped":30/.test(l.message)));
  await h.sender.stop();
});

test('a full outbox drops what does not fit and warns with the counts', async () => {
  const id = (i: number) => `x${String(i).padStart(5, '0')}`;
  const lineBytes = Buffer.byteLength(`${JSON.stringify({ ledgerId: 'main', dbPath: DB, record: record(id(0)) })}\n`);
  const capacity = Math.floor((1024 * 1024) / lineBytes);
  const h = harness({ bufferMaxRecords: 10_000 }, 1024 * 1024);
  h.temporal.up = false;
  await h.start();
  for (let i = 0; i < capacity + 25; i++) h.sender.enqueue('main', record(id(i)));
  await eventually('outbox full reported', () => (h.sender.stats().droppedOutboxFull === 25 ? true : undefined));
  assert.equal(h.sender.stats().spilled, capacity);
  const warn = h.logs.find((l) => l.level === 'warn' && /usage outbox full: records dropped/.test(l.message));
  assert.match(warn?.message ?? '', /"dropped":25,"droppedTotal":25/);
  assert.match(warn?.message ?? '', /"outboxMaxBytes":1048576/);
  await h.sender.stop();
});

test('a batch Temporal refuses outright is retried in smaller batches until it goes through', async () => {
  const h = harness();
  h.temporal.refuse = true;
  await h.start();
  for (const id of ids('r', 4)) h.sender.enqueue('main', record(id));
  await eventually('delivered one by one', () => (h.deliveredIds().length === 4 ? true : undefined));
  assert.deepEqual(h.deliveredIds(), ids('r', 4));
  assert.ok(h.temporal.delivered.every((d) => d.event.records.length === 1));
  await h.sender.stop();
});

test('a batch refused because the workflow is busy stays first in line in memory and goes through once there is room', async () => {
  const h = harness();
  h.temporal.busy = 3;
  await h.start();
  for (const id of ids('b', 10)) h.sender.enqueue('main', record(id));
  await eventually('delivered after the refusals', () => (h.deliveredIds().length === 10 ? true : undefined));
  assert.deepEqual(h.deliveredIds(), ids('b', 10));
  assert.deepEqual([h.sender.stats().busyRefusals, h.sender.stats().failedAttempts, h.sender.stats().spilled], [3, 0, 0]);
  assert.equal(h.sender.lastFailureAt, null, 'a refusal is an answer, not a connection failure');
  assert.equal(existsSync(h.path), false, 'no outbox for a short busy spell');
  assert.ok(!h.logs.some((l) => l.level === 'warn'), 'busy is not worth a warning');
  await h.sender.stop();
});

test('with a gatewayId every batch names the host, also after waiting in the outbox (read back by a new sender); without one no batch does', async () => {
  const h = harness();
  await h.sender.start(DB, h.outbox, 'east');
  h.sender.enqueue('main', record('g1'));
  await eventually('delivered', () => (h.deliveredIds().length === 1 ? true : undefined));
  h.temporal.up = false;
  for (const id of ids('gw', 5)) h.sender.enqueue('main', record(id));
  await eventually('spilled', () => (h.sender.stats().spilled >= 5 ? true : undefined));
  await h.sender.stop();
  h.temporal.up = true;
  const next = harness(); // a restarted gateway without the key: the waiting lines keep the host they were written for
  const reopened = new Outbox(h.path, 8 * 1024 * 1024);
  await next.sender.start(DB, reopened);
  await eventually('outbox delivered', () => (next.deliveredIds().length === 5 ? true : undefined));
  next.sender.enqueue('main', record('plain'));
  await eventually('new record delivered', () => (next.deliveredIds().length === 6 ? true : undefined));
  await next.sender.stop();
  assert.deepEqual(h.temporal.delivered.map((d) => d.event.gatewayId), ['east']);
  assert.deepEqual(next.temporal.delivered.map((d) => [d.event.gatewayId ?? '(none)', d.event.records.length]), [['east', 5], ['(none)', 1]]);
});
