/**
 * Issue 9 defect 5 and issue 10 item 3 on a real dev server with the real worker and real SQLite files: a ledger
 * that rejects every write never holds back the gate (decisions, expiry timers, continue-as-new go on); its writes
 * go to a dead-letter queue shown in the Web UI details and `ops status`, and once the database is fixed a replay
 * writes every row exactly once. The original's own schema (verbatim) takes a trigger without a message id.
 *
 * The "10 minutes" is scaled down: arms of 1.5 s, several arm → answer → expiry → cancel cycles and a
 * continue-as-new, all while every write fails.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { workflowMetadataQuery } from '@temporalio/workflow';
import Database from 'better-sqlite3';
import { withGateStack } from '../helpers/gate-stack.ts';
import { formatReplays, replayDeadLetters } from '../../scripts/ops/dead-letters.ts';
import { collectStatus, formatStatus } from '../../scripts/ops/status.ts';
import { gateWorkflowId, seenLedgerWorkflowId, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { deadLetterCount } from '../../workflows/gate/dead-letters.ts';
import { GATE_TABLES as TABLES, ORIGINAL_GATE_SCHEMA as SCHEMA, REFUSAL, refusingLedger } from '../helpers/refusing-ledger.ts';
import { readRows } from '../helpers/sqlite.ts';
import { eventually } from '../helpers/temporal.ts';

const CHANNEL = 'whatsapp';
const stack = withGateStack('gate-dead', CHANNEL);
const { soon, handle, state } = stack;
let counter = 0;

describe('gate ledger dead letters (real dev server)', () => {
  test('a ledger that rejects every write: the gate keeps deciding and expiring, dead letters are shown, a replay writes every row once', async () => {
    const peer = '+4917200000001';
    const ledger = refusingLedger(join(stack.dir, 'refusing.db'));
    const cfg: GateRuntimeConfig = { armTtlMs: 1500, maxUsesPerArm: 2, missedResponseTtlMs: 120_000, dbPath: ledger.path };
    const started = await stack.env.client.workflow.start('gateWorkflow', {
      workflowId: gateWorkflowId(CHANNEL, peer), taskQueue: 'openclaw-temporal', args: [{ channel: CHANNEL, peer, maxHistoryEvents: 40 }],
    });
    const CYCLES = 4;
    for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
      await stack.trigger(peer, `dl-${cycle}`, cfg, { body: `movie ${cycle}` });
      const answers = [];
      for (let i = 0; i < 2; i += 1) answers.push((await stack.gate.decide(peer, { decisionId: `dl-${cycle}-${i}-${++counter}`, content: `answer ${cycle}.${i}`, config: cfg }, soon())).action);
      assert.deepEqual(answers, ['deliver', 'deliver'], `cycle ${cycle}: decisions do not wait for the ledger`);
      // Re-armed with a live arm for the expiry: a third trigger use is left after one answer.
      await stack.trigger(peer, `dl-${cycle}b`, cfg, { body: `again ${cycle}` });
      assert.equal((await stack.gate.decide(peer, { decisionId: `dl-${cycle}-x-${++counter}`, content: 'one', config: cfg }, soon())).action, 'deliver');
      await eventually(`cycle ${cycle}: the expiry timer disarms while the ledger fails`, async () => ((await state(peer)).arm === null ? true : undefined), 10_000);
      assert.match((await state(peer)).lastEvent ?? '', /expired/);
      const late = await stack.gate.decide(peer, { decisionId: `dl-${cycle}-late-${++counter}`, content: 'too late', config: cfg }, soon());
      assert.equal(late.action, 'cancel');
    }
    const parked = await eventually('every op dead-lettered', async () => {
      const s = await state(peer);
      return s.ledger.length === 0 && deadLetterCount(s) > 0 ? s : undefined;
    }, 30_000);
    const latest = await handle(peer).describe();
    assert.notEqual(latest.runId, started.firstExecutionRunId, 'the gate continued as new while the ledger failed');
    const count = deadLetterCount(parked);
    assert.match(parked.deadLetters?.[0]?.error ?? '', new RegExp(REFUSAL));

    const details = (await handle(peer).query(workflowMetadataQuery)).currentDetails ?? '';
    assert.match(details, new RegExp(`LEDGER: ${count} dead-lettered write\\(s\\) since .*${REFUSAL}.*replay-dead-letters`));
    const status = await collectStatus(stack.env.client, Date.now());
    assert.equal(status.gates.find((g) => g.workflowId === gateWorkflowId(CHANNEL, peer))?.deadLetters, count);
    assert.match(formatStatus(status, 'test'), new RegExp(`Gates \\(\\d+ open, \\d+ armed, ${count} ledger write\\(s\\) dead-lettered`));
    for (const table of ['requests', 'responses', 'blocked_messages']) assert.equal(readRows(ledger.path, `SELECT * FROM ${table}`).length, 0);

    const refused = await replayDeadLetters(stack.env.client, gateWorkflowId(CHANNEL, peer));
    assert.deepEqual(refused.map((r) => typeof r.result === 'string' ? r.result : [r.result.replayed, r.result.remaining]), [[0, count]], 'still broken: nothing written');

    ledger.fix();
    const replays = await replayDeadLetters(stack.env.client, null);
    assert.deepEqual(replays.map((r) => r.result), [{ replayed: count, remaining: 0, error: null }], formatReplays(replays, 'test'));
    const counts = () => Object.fromEntries(TABLES.map((t) => [t, readRows<{ n: number }>(ledger.path, `SELECT COUNT(*) AS n FROM ${t}`)[0]?.n]));
    assert.deepEqual(counts(), { seen_messages: 2 * CYCLES, threads: 2, requests: 2 * CYCLES, responses: 3 * CYCLES, blocked_messages: CYCLES, arms: 0 });
    const statuses = readRows<{ status: string; n: number }>(ledger.path, 'SELECT status, COUNT(*) AS n FROM requests GROUP BY status ORDER BY status');
    assert.deepEqual(statuses, [{ status: 'responded', n: 2 * CYCLES }], 'in order: each status after its request');
    assert.equal(deadLetterCount(await state(peer)), 0);
    assert.doesNotMatch((await handle(peer).query(workflowMetadataQuery)).currentDetails ?? '', /LEDGER/);

    assert.deepEqual((await replayDeadLetters(stack.env.client, gateWorkflowId(CHANNEL, peer))).map((r) => r.result), [{ replayed: 0, remaining: 0, error: null }]);
    assert.deepEqual(counts(), { seen_messages: 2 * CYCLES, threads: 2, requests: 2 * CYCLES, responses: 3 * CYCLES, blocked_messages: CYCLES, arms: 0 }, 'a second replay writes nothing');
    await stack.trigger(peer, 'dl-after', cfg, { body: 'movie' });
    await eventually('writes go straight to the fixed ledger again', () => (readRows(ledger.path, "SELECT * FROM requests WHERE request_id = 'whatsapp:dl-after'").length === 1 ? true : undefined));
  });

  test('the channel seen-ledger: a failing ledger keeps the rows waiting, says so, and writes them once it is fixed', async () => {
    const ledger = refusingLedger(join(stack.dir, 'refusing-seen.db'));
    const row = (messageId: string) => ({ op: 'seen' as const, channel: CHANNEL, messageId, sender: '+15550009', peer: '+15550010', at: Date.now() });
    await stack.gate.seen([row('seen-dl-1')], ledger.path, soon());
    await stack.gate.seen([row('seen-dl-2')], ledger.path, soon());
    const seenLedger = stack.env.client.workflow.getHandle(seenLedgerWorkflowId(CHANNEL));
    const details = async () => (await seenLedger.query(workflowMetadataQuery)).currentDetails ?? '';
    await eventually('the failure shown', async () => (new RegExp(`LEDGER failing since .*${REFUSAL}.*next try`).test(await details()) ? true : undefined), 30_000);
    ledger.fix();
    await eventually('both rows written after the pause', () => (readRows(ledger.path, 'SELECT * FROM seen_messages').length === 2 ? true : undefined), 60_000);
    await eventually('the failure cleared', async () => (/LEDGER/.test(await details()) ? undefined : true));
  });

  test('the original schema, verbatim: a trigger without a message id is written with the request id (never null)', async () => {
    const peer = '+4917200000002';
    const path = join(stack.dir, 'original.db');
    const db = new Database(path);
    db.exec(SCHEMA);
    db.close();
    const cfg: GateRuntimeConfig = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: path };
    const receivedAt = Date.now();
    await stack.gate.trigger(peer, { messageId: '', sender: '+15550001', text: 'friday: reschedule lunch', body: 'reschedule lunch', receivedAt, config: cfg }, soon());
    assert.equal((await stack.gate.decide(peer, { decisionId: `orig-${++counter}`, content: '  moved to 1pm ', config: cfg }, soon())).action, 'deliver');
    const rows = await eventually('request and response rows', () => {
      const r = readRows<{ request_id: string; inbound_message_id: string; status: string; topic: string; content: string }>(path,
        'SELECT q.request_id, q.inbound_message_id, q.status, t.topic, p.content FROM requests q JOIN threads t USING (thread_id) JOIN responses p USING (request_id) WHERE q.peer = ?', peer);
      return r.length === 1 && r[0]?.status === 'responded' ? r : undefined;
    });
    assert.deepEqual(rows, [{ request_id: `whatsapp:${receivedAt}`, inbound_message_id: `whatsapp:${receivedAt}`, status: 'responded', topic: 'scheduling', content: 'moved to 1pm' }]);
    assert.equal(deadLetterCount(await state(peer)), 0);
  });
});
