import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeGate } from '../../workflows/gate/describe.ts';
import { addDeadLetter, deadLetterCount, describeDeadLetters, isParked, MAX_DEAD_LETTER_OPS, withoutFirstDeadLetter, withReplayError, type DeadLetter } from '../../workflows/gate/dead-letters.ts';
import type { GateLedgerOp } from '../../workflows/gate/ledger-ops.ts';
import { boundWaiting, describeSeenLedger, MAX_RETRY_DELAY_MS, MAX_WAITING_SEEN_ROWS, nextFailure } from '../../workflows/gate/seen-backoff.ts';
import { initialGateState } from '../../workflows/gate/state.ts';

const AT = Date.UTC(2026, 0, 2, 12, 4, 31);
const disarm = (at: number): GateLedgerOp => ({ op: 'disarm', armKey: 'whatsapp:+1', at });
const letter = (n: number, dbPath = '/l.db'): DeadLetter => ({ dbPath, ops: Array.from({ length: n }, (_, i) => disarm(i)), error: 'SQLITE_FULL', failedAt: AT });

describe('the gate dead-letter queue', () => {
  test('counts ops, parks later writes for the same ledger only, and keeps the order', () => {
    const state = addDeadLetter(addDeadLetter(initialGateState('whatsapp', '+1'), letter(3)), letter(2));
    assert.equal(deadLetterCount(state), 5);
    assert.equal(isParked(state, '/l.db'), true);
    assert.equal(isParked(state, '/other.db'), false);
    assert.deepEqual(withoutFirstDeadLetter(state).deadLetters?.map((d) => d.ops.length), [2]);
    assert.equal(withReplayError(state, 'still full').deadLetters?.[0]?.error, 'still full');
  });

  test('is bounded: beyond the bound the oldest batches are dropped and counted', () => {
    let state = initialGateState('whatsapp', '+1');
    for (let i = 0; i < 12; i += 1) state = addDeadLetter(state, letter(200));
    assert.ok(deadLetterCount(state) <= MAX_DEAD_LETTER_OPS);
    assert.equal(deadLetterCount(state) + (state.deadLettersDropped ?? 0), 12 * 200);
  });

  test('the Web UI line says how many writes wait, since when, why, and how to replay them', () => {
    const state = addDeadLetter(initialGateState('whatsapp', '+1'), letter(4));
    assert.equal(describeDeadLetters(initialGateState('whatsapp', '+1')), '');
    assert.equal(describeGate(state, AT), 'idle; LEDGER: 4 dead-lettered write(s) since 12:04:31 UTC (SQLITE_FULL) — fix the database, then: npm run ops -- replay-dead-letters');
  });
});

describe('the seen-messages ledger while its database fails', () => {
  test('the pause doubles from 5 s up to 5 min and remembers when the failure began', () => {
    let failure = nextFailure(null, 'e', AT);
    assert.deepEqual(failure, { error: 'e', since: AT, retryAt: AT + 5000, delayMs: 5000 });
    for (let i = 0; i < 10; i += 1) failure = nextFailure(failure, 'e', AT + i);
    assert.equal(failure.delayMs, MAX_RETRY_DELAY_MS);
    assert.equal(failure.since, AT);
    assert.match(describeSeenLedger('whatsapp', 0, 3, failure, 0), /LEDGER failing since 12:04:31 UTC \(e\), next try/);
  });

  test('waiting rows are bounded: the oldest events are dropped and counted', () => {
    const event = (n: number) => ({ dbPath: '/l.db', rows: Array.from({ length: n }, (_, i) => ({ op: 'seen' as const, channel: 'w', messageId: `m${i}`, sender: '', peer: '', at: 0 })) });
    const bounded = boundWaiting([event(MAX_WAITING_SEEN_ROWS), event(10), event(5)]);
    assert.deepEqual([bounded.pending.length, bounded.dropped], [2, MAX_WAITING_SEEN_ROWS]);
  });
});
