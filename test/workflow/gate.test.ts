/**
 * The gate workflow on a real Temporal dev server with the real worker and a real SQLite ledger. Durations are
 * raw (a second or two): the config clamps are tested in the config parser, not here.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gateWorkflowId, seenLedgerWorkflowId, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { withGateStack } from '../helpers/gate-stack.ts';
import { readRows } from '../helpers/sqlite.ts';
import { eventually } from '../helpers/temporal.ts';

const CHANNEL = 'whatsapp';
const stack = withGateStack('gate-wf', CHANNEL);
const { dbPath, soon, state } = stack;
let peerCounter = 0;

function config(overrides: Partial<GateRuntimeConfig> = {}): GateRuntimeConfig {
  return { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath, ...overrides };
}
const newPeer = () => `+4917000000${String(++peerCounter).padStart(2, '0')}`;
const trigger = (peer: string, messageId: string, cfg: GateRuntimeConfig, body = 'what is on tonight?') => stack.trigger(peer, messageId, cfg, { body });
let decisionCounter = 0;
const send = (peer: string, cfg: GateRuntimeConfig, content = 'an answer') =>
  stack.gate.decide(peer, { decisionId: `d-${++decisionCounter}`, content, config: cfg }, soon());
const ledger = <T>(sql: string, ...params: unknown[]): T[] => readRows<T>(dbPath, sql, ...params);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('gate workflow (real dev server)', () => {
  test('a trigger arms the peer: maxUsesPerArm answers are delivered, the next one is cancelled', async () => {
    const peer = newPeer();
    const cfg = config();
    await trigger(peer, 'm-1', cfg);
    const results = [await send(peer, cfg), await send(peer, cfg), await send(peer, cfg), await send(peer, cfg)];
    assert.deepEqual(results.map((r) => [r.action, r.usesLeft]), [['deliver', 2], ['deliver', 1], ['deliver', 0], ['cancel', 0]]);
    assert.equal(results[3]?.reason, 'no-arm');
    const rows = await eventually('3 response rows', () => {
      const r = ledger<{ kind: string; request_id: string | null }>('SELECT kind, request_id FROM responses WHERE peer = ? ORDER BY id', peer);
      return r.length === 3 ? r : undefined;
    });
    assert.deepEqual(rows.map((r) => r.kind), ['text', 'text', 'text']);
    await eventually('the cancelled one in blocked_messages', () => (ledger('SELECT * FROM blocked_messages WHERE peer = ?', peer).length === 1 ? true : undefined));
    assert.equal(rows[0]?.request_id, `${CHANNEL}:m-1`);
    const [request] = ledger<{ status: string; last_response_at: number | null }>('SELECT status, last_response_at FROM requests WHERE request_id = ?', `${CHANNEL}:m-1`);
    assert.equal(request?.status, 'responded');
    assert.ok(request?.last_response_at);
    await eventually('arm row deleted', () => (ledger('SELECT * FROM arms WHERE peer = ?', peer).length === 0 ? true : undefined));
  });

  test('each use pushes the expiry to now + armTtlMs', async () => {
    const peer = newPeer();
    const cfg = config({ armTtlMs: 30_000, maxUsesPerArm: 3 });
    await trigger(peer, 'm-ttl', cfg);
    const armedUntil = (await state(peer)).arm?.expiresAt ?? 0;
    await sleep(300);
    const first = await send(peer, cfg);
    assert.ok(first.expiresAt !== null && first.expiresAt > armedUntil, 'the expiry moved forward');
  });

  test('a durable timer disarms the peer at expiry, without any outbound message', async () => {
    const peer = newPeer();
    const cfg = config({ armTtlMs: 1200 });
    await trigger(peer, 'm-exp', cfg);
    await eventually('arm row written', () => (ledger('SELECT * FROM arms WHERE peer = ?', peer).length === 1 ? true : undefined));
    const disarmed = await eventually('timer disarmed', async () => ((await state(peer)).arm === null ? true : undefined), 10_000);
    assert.equal(disarmed, true);
    await eventually('arm row deleted by the timer', () => (ledger('SELECT * FROM arms WHERE peer = ?', peer).length === 0 ? true : undefined));
    const desc = await stack.env.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer)).describe();
    assert.equal(desc.typedSearchAttributes.get({ name: 'OpenClawPeer', type: 'KEYWORD' } as never), peer);
  });

  test('the watchdog timer marks an unanswered request missed; a late answer is then cancelled', async () => {
    const peer = newPeer();
    const cfg = config({ armTtlMs: 800, missedResponseTtlMs: 1600 });
    await trigger(peer, 'm-miss', cfg);
    await eventually('request missed', () => {
      const [r] = ledger<{ status: string }>('SELECT status FROM requests WHERE request_id = ?', `${CHANNEL}:m-miss`);
      return r?.status === 'missed' ? true : undefined;
    });
    const s = await state(peer);
    assert.equal(s.pending.length, 0);
    assert.match(s.lastEvent ?? '', /missed/);
    const late = await send(peer, cfg);
    assert.equal(late.action, 'cancel');
  });

  test('watchdog recovery re-arms an expired arm with exactly one use for a request still waiting', async () => {
    const peer = newPeer();
    const cfg = config({ armTtlMs: 500, missedResponseTtlMs: 60_000 });
    await trigger(peer, 'm-rec', cfg);
    await eventually('arm expired', async () => ((await state(peer)).arm === null ? true : undefined));
    const recovered = await send(peer, cfg);
    assert.deepEqual([recovered.action, recovered.reason, recovered.usesLeft, recovered.requestId], ['deliver', 'recovered', 0, `${CHANNEL}:m-rec`]);
    const again = await send(peer, cfg);
    assert.equal(again.action, 'cancel');
  });

  test('a duplicate message id is ignored: one request, one trigger counted', async () => {
    const peer = newPeer();
    const cfg = config();
    await trigger(peer, 'm-dup', cfg);
    await trigger(peer, 'm-dup', cfg);
    const s = await state(peer);
    assert.equal(s.counters.triggers, 1);
    assert.equal(s.counters.duplicates, 1);
    await eventually('request row', () => (ledger('SELECT * FROM requests WHERE peer = ?', peer).length === 1 ? true : undefined));
  });

  test('topic threads: a media trigger and a scheduling trigger get their own threads, reused later', async () => {
    const peer = newPeer();
    const cfg = config();
    await trigger(peer, 'm-t1', cfg, 'play the next episode');
    await trigger(peer, 'm-t2', cfg, 'remind me of the meeting');
    await trigger(peer, 'm-t3', cfg, 'which movie was that?');
    const rows = await eventually('3 requests', () => {
      const r = ledger<{ inbound_message_id: string; thread_id: string; topic: string }>(
        'SELECT r.inbound_message_id, r.thread_id, t.topic FROM requests r JOIN threads t USING (thread_id) WHERE r.peer = ? ORDER BY r.created_at, r.inbound_message_id', peer);
      return r.length === 3 ? r : undefined;
    });
    const byId = Object.fromEntries(rows.map((r) => [r.inbound_message_id, r]));
    assert.equal(byId['m-t1']?.topic, 'media');
    assert.equal(byId['m-t2']?.topic, 'scheduling');
    assert.equal(byId['m-t3']?.thread_id, byId['m-t1']?.thread_id);
    const seen = ledger<{ triggered: number }>('SELECT triggered FROM seen_messages WHERE peer = ?', peer);
    assert.deepEqual(seen.map((r) => r.triggered), [1, 1, 1]);
  });

  test('the gate continues as new under a lowered bound and keeps its arm and counters', async () => {
    const peer = newPeer();
    const cfg = config({ maxUsesPerArm: 1000 });
    const started = await stack.env.client.workflow.start('gateWorkflow', {
      workflowId: gateWorkflowId(CHANNEL, peer),
      taskQueue: 'openclaw-temporal',
      args: [{ channel: CHANNEL, peer, maxHistoryEvents: 40 }],
    });
    await trigger(peer, 'm-can', cfg);
    for (let i = 0; i < 30; i += 1) assert.equal((await send(peer, cfg)).action, 'deliver');
    const latest = await stack.env.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer)).describe();
    assert.ok(latest.historyLength < 100, `history stays bounded (${latest.historyLength} events)`);
    assert.notEqual(latest.runId, started.firstExecutionRunId, 'the gate continued as new');
    const s = await state(peer);
    assert.equal(s.counters.delivered, 30);
    assert.equal(s.arm?.usesLeft, 1000 - 30);
  });

  test('non-trigger inbound messages are recorded by the channel seen-ledger workflow', async () => {
    await stack.gate.seen([{ op: 'seen', channel: CHANNEL, messageId: 'plain-1', sender: '+15550009', peer: '+15550010', at: Date.now() }], dbPath, soon());
    await stack.gate.seen([{ op: 'seen', channel: CHANNEL, messageId: 'plain-1', sender: '+15550009', peer: '+15550010', at: Date.now() }], dbPath, soon());
    const rows = await eventually('seen row', () => {
      const r = ledger<{ triggered: number }>('SELECT triggered FROM seen_messages WHERE message_id = ?', 'plain-1');
      return r.length === 1 ? r : undefined;
    });
    assert.equal(rows[0]?.triggered, 0);
    const desc = await stack.env.client.workflow.getHandle(seenLedgerWorkflowId(CHANNEL)).describe();
    assert.equal(desc.status.name, 'RUNNING');
  });

  test('a malformed outbound request is rejected by the validator and changes nothing', async () => {
    const peer = newPeer();
    const cfg = config();
    await trigger(peer, 'm-bad', cfg);
    const handle = stack.env.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer));
    await assert.rejects(handle.executeUpdate('lorene-gate.outbound', { args: [{ decisionId: '', content: 'x', config: cfg }] }), (err: Error) => {
      assert.match(String((err as { cause?: Error }).cause?.message), /decisionId/);
      return true;
    });
    assert.equal((await state(peer)).arm?.usesLeft, 3);
  });
});
