/**
 * Decisions the bridge abandoned (issue 9, defect 8): whichever reaches the gate first — the bridge's abandon
 * signal or the outbound update — the ledger ends up with a `blocked_messages` row with the reason, no `responses`
 * row for it, and no use is lost.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createGateLedgerActivities } from '../../activities/gate-ledger.ts';
import { LedgerPool } from '../../activities/ledger-db.ts';
import { ABANDONED_DECISION, applyAbandon, isAbandoned, noteDelivered } from '../../workflows/gate/abandon.ts';
import type { GateAbandonEvent, GateOutboundRequest, GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { applyTrigger, decideOutbound } from '../../workflows/gate/decide.ts';
import type { GateLedgerOp, DecisionAbandonedOp } from '../../workflows/gate/ledger-ops.ts';
import { initialGateState, type GateState } from '../../workflows/gate/state.ts';
import { readRows } from '../helpers/sqlite.ts';

const CONFIG: GateRuntimeConfig = { armTtlMs: 120_000, maxUsesPerArm: 2, missedResponseTtlMs: 600_000, dbPath: '/tmp/gate.db' };
const T0 = Date.UTC(2025, 0, 2, 12, 0, 0);
const PEER = '+491701112233';
const armed = (): GateState =>
  applyTrigger(initialGateState('whatsapp', PEER), { messageId: 'ABC', sender: '+15550001', text: 'friday: hi there', body: 'hi there', receivedAt: T0, config: CONFIG }, T0).state;
const request = (decisionId: string): GateOutboundRequest => ({ decisionId, content: `reply ${decisionId}`, config: CONFIG });
const abandon = (decisionId: string, observedAt = T0 + 3000): GateAbandonEvent => ({ decisionId, content: `reply ${decisionId}`, reason: 'Temporal gave no decision within 3000 ms (timeout)', observedAt, config: CONFIG });

/** The workflow's update handler, as pure steps. */
function decide(state: GateState, decisionId: string, now: number) {
  if (isAbandoned(state, decisionId)) return { state, ops: [], result: ABANDONED_DECISION };
  const decided = decideOutbound(state, request(decisionId), now);
  return { ...decided, state: noteDelivered(state, decided.state, request(decisionId), decided.result) };
}

describe('abandoned decisions', () => {
  test('abandon first: a blocked row with the reason, and the late update is cancelled without using anything', () => {
    const first = applyAbandon(armed(), abandon('d1'), T0 + 5000);
    assert.deepEqual(first.result, { restored: false, duplicate: false });
    assert.deepEqual(first.ops, [
      { op: 'decisionAbandoned', eventId: 'd1', requestId: null, channel: 'whatsapp', peer: PEER, content: 'reply d1', reason: 'cancelled by the gateway before delivery: Temporal gave no decision within 3000 ms (timeout)', at: T0 + 3000 },
    ]);
    const late = decide(first.state, 'd1', T0 + 6000);
    assert.deepEqual(late.result, ABANDONED_DECISION);
    assert.deepEqual(late.ops, []);
    assert.equal(late.state.arm?.usesLeft, 2, 'no use consumed');
    assert.equal(late.state.counters.blocked, 1);
  });

  test('update first: the use is given back, the request reopened, the text row moved to blocked_messages', () => {
    const delivered = decide(armed(), 'd1', T0 + 1000);
    assert.equal(delivered.result.action, 'deliver');
    assert.equal(delivered.state.arm?.usesLeft, 1);
    assert.equal(delivered.state.pending.length, 0);
    const undone = applyAbandon(delivered.state, abandon('d1'), T0 + 4000);
    assert.deepEqual(undone.result, { restored: true, duplicate: false });
    assert.equal(undone.state.arm?.usesLeft, 2, 'use given back');
    assert.deepEqual(undone.state.pending.map((p) => p.requestId), ['whatsapp:ABC'], 'request waits for an answer again');
    assert.deepEqual(undone.ops.map((o) => o.op), ['arm', 'decisionAbandoned'], 'the ledger reopens the request itself');
    assert.equal(undone.state.counters.delivered, 0);
    assert.equal(undone.state.counters.blocked, 1);
    assert.deepEqual(applyAbandon(undone.state, abandon('d1'), T0 + 5000).ops, [], 'a repeated signal changes nothing');
  });

  test('the last use abandoned re-creates the arm with one use; a second answer does not reopen the request', () => {
    const one = decide(armed(), 'd1', T0 + 1000);
    const two = decide(one.state, 'd2', T0 + 2000);
    assert.equal(two.state.arm, null, 'used up');
    const undone = applyAbandon(two.state, abandon('d2'), T0 + 4000);
    assert.equal(undone.state.arm?.usesLeft, 1);
    assert.equal(undone.state.arm?.requestId, 'whatsapp:ABC');
    assert.equal(undone.state.pending.length, 0, 'd1 answered it');
    assert.deepEqual(undone.ops.map((o) => o.op), ['arm', 'decisionAbandoned']);
  });

  test('a newer trigger’s arm is left alone when an older decision is abandoned', () => {
    const one = decide(armed(), 'd1', T0 + 1000);
    const newer = applyTrigger(one.state, { messageId: 'NEW', sender: '+15550001', text: 'friday: again', body: 'again', receivedAt: T0, config: CONFIG }, T0 + 2000).state;
    const undone = applyAbandon(newer, abandon('d1'), T0 + 3000);
    assert.equal(undone.state.arm?.requestId, 'whatsapp:NEW');
    assert.equal(undone.state.arm?.usesLeft, 2);
  });

  test('an abandoned answer whose watchdog deadline has passed leaves the request missed, not reopened', () => {
    const delivered = decide(armed(), 'd1', T0 + 1000);
    const late = T0 + CONFIG.missedResponseTtlMs + 1;
    const undone = applyAbandon(delivered.state, abandon('d1'), late);
    assert.equal(undone.state.pending.length, 0);
    const ledgerOps = undone.ops.filter((o) => o.op !== 'arm');
    assert.deepEqual(ledgerOps.map((o) => o.op), ['decisionAbandoned', 'requestStatus']);
    assert.deepEqual(ledgerOps[1], { op: 'requestStatus', requestId: 'whatsapp:ABC', status: 'missed', at: late });
  });

  test('an abandon observed later than workflow time is recorded at workflow time', () => {
    const [op] = applyAbandon(armed(), abandon('d9', T0 + 60_000), T0 + 5000).ops;
    assert.ok(op?.op === 'decisionAbandoned');
    assert.equal(op.at, T0 + 5000);
  });
});

describe('the ledger activity applies an abandoned decision', () => {
  const ops = (...list: GateLedgerOp[]) => list;
  const base = { channel: 'whatsapp', peer: '+222', content: 'here you go' };
  const abandoned = (o: Partial<DecisionAbandonedOp> = {}): DecisionAbandonedOp => ({ op: 'decisionAbandoned', eventId: 'e1', requestId: 'whatsapp:m1', ...base, reason: 'cancelled by the gateway', at: 6000, ...o });

  test('a sent row moves to blocked_messages with the reason, a missing one is inserted there, the request reopens; twice changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gate-abandon-'));
    const dbPath = join(dir, 'lorene-gate.db');
    const pool = new LedgerPool();
    const ledger = createGateLedgerActivities({ pool, logger: { debug: () => undefined, warn: () => undefined } });
    try {
      const batch = ops(
        { op: 'request', requestId: 'whatsapp:m1', channel: 'whatsapp', sender: '+111', peer: '+222', inboundMessageId: 'm1', threadId: 't1', triggerText: 'friday: x', body: 'x', at: 1000 },
        { op: 'requestStatus', requestId: 'whatsapp:m1', status: 'responded', at: 5000 },
        { op: 'response', eventId: 'e1', requestId: 'whatsapp:m1', ...base, kind: 'text', reason: null, at: 5000 },
        abandoned(),
        abandoned({ eventId: 'e2', requestId: null, content: 'never sent', at: 7000 }),
      );
      await ledger.applyGateLedger({ dbPath, ops: batch });
      await ledger.applyGateLedger({ dbPath, ops: batch });
      assert.deepEqual(readRows(dbPath, 'SELECT event_id FROM responses'), [], 'nothing was sent');
      const blocked = readRows<{ event_id: string; reason: string; content: string }>(dbPath, 'SELECT event_id, reason, content FROM blocked_messages ORDER BY event_id');
      assert.deepEqual(blocked, [
        { event_id: 'e1', reason: 'cancelled by the gateway', content: 'here you go' },
        { event_id: 'e2', reason: 'cancelled by the gateway', content: 'never sent' },
      ]);
      assert.deepEqual(readRows(dbPath, 'SELECT status, last_response_at FROM requests'), [{ status: 'received', last_response_at: null }]);
    } finally {
      pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
