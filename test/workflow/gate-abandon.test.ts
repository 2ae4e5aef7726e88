/**
 * Issue 9 on a real dev server, worker and SQLite ledger: the bridge's abandon signal makes the ledger true in
 * both orders (defect 8), and a trigger replayed from the bridge's outbox keeps its observed time (defect 6).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { withGateStack } from '../helpers/gate-stack.ts';
import { readRows } from '../helpers/sqlite.ts';
import { eventually } from '../helpers/temporal.ts';

const stack = withGateStack('gate-abandon');
const { dbPath, soon, state } = stack;
const cfg: GateRuntimeConfig = { armTtlMs: 60_000, maxUsesPerArm: 2, missedResponseTtlMs: 120_000, dbPath };

const trigger = (peer: string, messageId: string, observedAt?: number) => stack.trigger(peer, messageId, cfg, { body: 'hello there', ...(observedAt !== undefined && { observedAt }) });
const decide = (peer: string, decisionId: string) => stack.gate.decide(peer, { decisionId, content: `reply ${decisionId}`, config: cfg }, soon());
const abandon = (peer: string, decisionId: string) =>
  stack.gate.abandon(peer, { decisionId, content: `reply ${decisionId}`, reason: 'Temporal gave no decision within 3000 ms (timeout)', observedAt: Date.now(), config: cfg }, soon());
type Row = { kind: string; reason: string | null };
/** The decision's ledger rows: sent messages in `responses`, cancelled ones in `blocked_messages`. */
const responses = (decisionId: string) =>
  readRows<Row>(dbPath, `SELECT 'text' AS kind, NULL AS reason FROM responses WHERE event_id = ?
    UNION ALL SELECT 'blocked', reason FROM blocked_messages WHERE event_id = ?`, decisionId, decisionId);

describe('abandoned decisions and replayed triggers (real dev server)', () => {
  test('abandoned after the gate applied it: the use comes back, the sent row moves to blocked_messages, the request waits again', async () => {
    const peer = '+4917100000001';
    await trigger(peer, 'ab-1');
    assert.equal((await decide(peer, 'ab-applied')).usesLeft, 1);
    await eventually('the text row', () => (responses('ab-applied')[0]?.kind === 'text' ? true : undefined));
    await abandon(peer, 'ab-applied');
    await eventually('the row moved to blocked_messages', () => (responses('ab-applied').length === 1 && responses('ab-applied')[0]?.kind === 'blocked' ? true : undefined));
    assert.match(responses('ab-applied')[0]?.reason ?? '', /Temporal gave no decision/);
    assert.equal((await state(peer)).arm?.usesLeft, 2, 'the use is back');
    await eventually('request received again', () => (readRows<{ status: string }>(dbPath, 'SELECT status FROM requests WHERE request_id = ?', 'whatsapp:ab-1')[0]?.status === 'received' ? true : undefined));
  });

  test('abandoned before the gate saw it: the late update is cancelled and uses nothing; one blocked row', async () => {
    const peer = '+4917100000002';
    await trigger(peer, 'ab-2');
    await abandon(peer, 'ab-early');
    const late = await decide(peer, 'ab-early');
    assert.deepEqual([late.action, late.reason], ['cancel', 'abandoned']);
    assert.equal((await state(peer)).arm?.usesLeft, 2);
    await eventually('the blocked row', () => (responses('ab-early').length === 1 ? true : undefined));
    assert.equal(responses('ab-early')[0]?.kind, 'blocked');
  });

  test('a trigger replayed with its observed time: request, arm and watchdog count from then', async () => {
    const peer = '+4917100000003';
    const observedAt = Date.now() - 20_000;
    await trigger(peer, 'ab-3', observedAt);
    const s = await state(peer);
    assert.equal(s.arm?.expiresAt, observedAt + cfg.armTtlMs);
    assert.equal(s.pending[0]?.missedAt, observedAt + cfg.missedResponseTtlMs);
    const row = await eventually('the request row', () => readRows<{ created_at: number }>(dbPath, 'SELECT created_at FROM requests WHERE request_id = ?', 'whatsapp:ab-3')[0]);
    assert.equal(row.created_at, observedAt);
  });
});
