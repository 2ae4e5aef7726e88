import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GateOutboundRequest, GateRuntimeConfig, GateTriggerEvent } from '../../workflows/gate/contract.ts';
import { applyTrigger, decideOutbound } from '../../workflows/gate/decide.ts';
import { describeGate } from '../../workflows/gate/describe.ts';
import { expireDue, nextDeadline } from '../../workflows/gate/expiry.ts';
import type { GateLedgerOp } from '../../workflows/gate/ledger-ops.ts';
import { initialGateState, MAX_PENDING_REQUESTS, type GateState } from '../../workflows/gate/state.ts';

const CHANNEL = 'whatsapp';
const PEER = '+491701112233';
const SENDER = '+491701234567';
const ARM_KEY = `${CHANNEL}:${PEER}`;
const CONFIG: GateRuntimeConfig = { armTtlMs: 120_000, maxUsesPerArm: 3, missedResponseTtlMs: 600_000, dbPath: '/tmp/gate.db' };
/** 2025-01-02 12:00:00 UTC. */
const T0 = Date.UTC(2025, 0, 2, 12, 0, 0);

const idle = (): GateState => initialGateState(CHANNEL, PEER);

function trigger(o: Partial<GateTriggerEvent> = {}): GateTriggerEvent {
  return { messageId: 'ABC', sender: SENDER, text: 'friday: play a movie', body: 'play a movie', receivedAt: T0, config: CONFIG, ...o };
}

function outbound(o: Partial<GateOutboundRequest> = {}): GateOutboundRequest {
  return { decisionId: 'decision-1', content: 'Here is your movie.', config: CONFIG, ...o };
}

/** Applies triggers one after the other and returns the final state. */
function triggered(events: readonly [GateTriggerEvent, number][], from: GateState = idle()): GateState {
  return events.reduce((state, [event, at]) => applyTrigger(state, event, at).state, from);
}

const opsOf = (ops: readonly GateLedgerOp[], kind: GateLedgerOp['op']): GateLedgerOp[] => ops.filter((o) => o.op === kind);

describe('applyTrigger (SEED-BEHAVIOUR §2.2.3–2.2.5)', () => {
  test('a trigger creates request `<channel>:<messageId>` in status received (request op) in its topic thread, marks the seen message triggered and arms the peer', () => {
    const { ops, state, result } = applyTrigger(idle(), trigger(), T0);
    const threadId = `${CHANNEL}:${PEER}:media:${T0}`;
    const requestId = 'whatsapp:ABC';
    assert.deepEqual(result, { accepted: true });
    assert.deepEqual(ops, [
      { op: 'seen', channel: CHANNEL, messageId: 'ABC', sender: SENDER, peer: PEER, at: T0 },
      { op: 'thread', threadId, channel: CHANNEL, peer: PEER, topic: 'media', at: T0 },
      { op: 'request', requestId, channel: CHANNEL, sender: SENDER, peer: PEER, inboundMessageId: 'ABC', threadId, triggerText: 'friday: play a movie', body: 'play a movie', at: T0 },
      { op: 'seenTriggered', channel: CHANNEL, messageId: 'ABC', requestId, threadId },
      { op: 'arm', armKey: ARM_KEY, channel: CHANNEL, peer: PEER, requestId, sourceMessageId: 'ABC', sender: SENDER, expiresAt: T0 + 120_000, usesLeft: 3, at: T0 },
    ]);
    assert.deepEqual(state.pending, [{ requestId, sender: SENDER, inboundMessageId: 'ABC', createdAt: T0, missedAt: T0 + 600_000 }]);
    assert.equal(state.counters.triggers, 1);
  });

  test('without a message id the request id is `<channel>:<now>` (the gateway time) and no seen rows are written', () => {
    const { ops, state } = applyTrigger(idle(), trigger({ messageId: '', receivedAt: T0 - 5 }), T0);
    assert.equal(state.arm?.requestId, `whatsapp:${T0 - 5}`);
    assert.equal(state.arm?.sourceMessageId, null);
    assert.deepEqual(ops.map((o) => o.op), ['thread', 'request', 'arm']);
    assert.deepEqual(state.recentMessageIds, []);
  });

  test('the newest thread of (channel, peer, topic) is reused and touched; another topic gets its own thread', () => {
    const first = applyTrigger(idle(), trigger({ messageId: 'm1', body: 'a new episode of the show' }), T0);
    const again = applyTrigger(first.state, trigger({ messageId: 'm2', body: 'is it on plex?' }), T0 + 1000);
    const mediaThread = `${CHANNEL}:${PEER}:media:${T0}`;
    assert.deepEqual(opsOf(again.ops, 'thread'), [{ op: 'thread', threadId: mediaThread, channel: CHANNEL, peer: PEER, topic: 'media', at: T0 + 1000 }]);
    const other = applyTrigger(again.state, trigger({ messageId: 'm3', body: 'remind me at 5' }), T0 + 2000);
    const schedulingThread = `${CHANNEL}:${PEER}:scheduling:${T0 + 2000}`;
    assert.deepEqual(opsOf(other.ops, 'thread'), [{ op: 'thread', threadId: schedulingThread, channel: CHANNEL, peer: PEER, topic: 'scheduling', at: T0 + 2000 }]);
    assert.deepEqual(other.state.threads, { media: mediaThread, scheduling: schedulingThread });
    const general = applyTrigger(other.state, trigger({ messageId: 'm4', body: 'what is the weather' }), T0 + 3000);
    assert.equal(general.state.threads.general, `${CHANNEL}:${PEER}:general:${T0 + 3000}`);
  });

  test('arm: expiry = now + armTtlMs and uses = maxUsesPerArm from the event config', () => {
    const config = { ...CONFIG, armTtlMs: 45_000, maxUsesPerArm: 5 };
    const { state } = applyTrigger(idle(), trigger({ config }), T0 + 7);
    assert.deepEqual(state.arm, { requestId: 'whatsapp:ABC', sourceMessageId: 'ABC', sender: SENDER, expiresAt: T0 + 7 + 45_000, usesLeft: 5 });
  });

  test('a new trigger replaces the previous arm with a fresh use count and expiry', () => {
    const first = applyTrigger(idle(), trigger({ messageId: 'm1' }), T0);
    const used = decideOutbound(first.state, outbound(), T0 + 10_000);
    assert.equal(used.state.arm?.usesLeft, 2);
    const other = '+491709999999';
    const second = applyTrigger(used.state, trigger({ messageId: 'm2', sender: other }), T0 + 20_000);
    assert.deepEqual(second.state.arm, { requestId: 'whatsapp:m2', sourceMessageId: 'm2', sender: other, expiresAt: T0 + 20_000 + 120_000, usesLeft: 3 });
    assert.equal(opsOf(second.ops, 'arm').length, 1);
  });

  test('a message id seen before is ignored (no ops, arm unchanged) and counted as a duplicate', () => {
    const first = applyTrigger(idle(), trigger(), T0);
    const dup = applyTrigger(first.state, trigger({ body: 'remind me' }), T0 + 5000);
    assert.deepEqual(dup.result, { accepted: false });
    assert.deepEqual(dup.ops, []);
    assert.deepEqual(dup.state, { ...first.state, counters: { ...first.state.counters, duplicates: 1 } });
  });

  test(`beyond MAX_PENDING_REQUESTS (${MAX_PENDING_REQUESTS}) unanswered requests the oldest is marked missed`, () => {
    const full = triggered(Array.from({ length: MAX_PENDING_REQUESTS }, (_, i) => [trigger({ messageId: `m${i}` }), T0 + i] as [GateTriggerEvent, number]));
    assert.equal(full.pending.length, MAX_PENDING_REQUESTS);
    assert.equal(full.counters.missed, 0);
    const over = applyTrigger(full, trigger({ messageId: 'extra' }), T0 + 1000);
    assert.deepEqual(opsOf(over.ops, 'requestStatus'), [{ op: 'requestStatus', requestId: 'whatsapp:m0', status: 'missed', at: T0 + 1000 }]);
    assert.equal(over.state.pending.length, MAX_PENDING_REQUESTS);
    assert.equal(over.state.pending[0]?.requestId, 'whatsapp:m1');
    assert.equal(over.state.pending.at(-1)?.requestId, 'whatsapp:extra');
    assert.equal(over.state.counters.missed, 1);
  });
});

describe('decideOutbound (SEED-BEHAVIOUR §2.3.3–2.3.5)', () => {
  const armed = (): GateState => applyTrigger(idle(), trigger(), T0).state;

  test('a live arm is consumed: one use, the expiry moves to now + armTtlMs, the request is responded and a text response row carries the content', () => {
    const now = T0 + 30_000;
    const { state, ops, result } = decideOutbound(armed(), outbound(), now);
    assert.deepEqual(result, { action: 'deliver', reason: 'armed', requestId: 'whatsapp:ABC', usesLeft: 2, expiresAt: now + 120_000 });
    assert.deepEqual(ops, [
      { op: 'arm', armKey: ARM_KEY, channel: CHANNEL, peer: PEER, requestId: 'whatsapp:ABC', sourceMessageId: 'ABC', sender: SENDER, expiresAt: now + 120_000, usesLeft: 2, at: now },
      { op: 'requestStatus', requestId: 'whatsapp:ABC', status: 'responded', at: now },
      { op: 'response', eventId: 'decision-1', requestId: 'whatsapp:ABC', channel: CHANNEL, peer: PEER, kind: 'text', content: 'Here is your movie.', reason: null, at: now },
    ]);
    assert.equal(state.arm?.usesLeft, 2);
    assert.deepEqual(state.pending, []);
    assert.equal(state.counters.delivered, 1);
  });

  test('the last use disarms (0 left → disarm op, no arm row kept)', () => {
    let state = armed();
    for (const i of [1, 2]) state = decideOutbound(state, outbound({ decisionId: `d${i}` }), T0 + i * 1000).state;
    const last = decideOutbound(state, outbound({ decisionId: 'd3' }), T0 + 3000);
    assert.deepEqual(last.result, { action: 'deliver', reason: 'armed', requestId: 'whatsapp:ABC', usesLeft: 0, expiresAt: null });
    assert.deepEqual(last.ops[0], { op: 'disarm', armKey: ARM_KEY, at: T0 + 3000 });
    assert.equal(opsOf(last.ops, 'arm').length, 0);
    assert.equal(last.state.arm, null);
    assert.equal(decideOutbound(last.state, outbound({ decisionId: 'd4' }), T0 + 4000).result.action, 'cancel');
  });

  test('the decisionId is the response row eventId', () => {
    const { ops } = decideOutbound(armed(), outbound({ decisionId: 'f00d-1234' }), T0 + 1);
    assert.deepEqual(opsOf(ops, 'response').map((o) => o.op === 'response' && o.eventId), ['f00d-1234']);
  });

  test('no live arm: watchdog recovery re-arms for the newest received request with exactly 1 use', () => {
    const two = triggered([[trigger({ messageId: 'older' }), T0], [trigger({ messageId: 'newer' }), T0 + 1000]]);
    const now = T0 + 1000 + 120_000 + 1; // the arm for "newer" has expired, both requests are still received
    const recovered = decideOutbound(two, outbound(), now);
    assert.deepEqual(recovered.result, { action: 'deliver', reason: 'recovered', requestId: 'whatsapp:newer', usesLeft: 0, expiresAt: null });
    assert.equal(recovered.state.arm, null);
    assert.deepEqual(recovered.state.pending.map((p) => p.requestId), ['whatsapp:older']);
    assert.deepEqual(opsOf(recovered.ops, 'requestStatus'), [{ op: 'requestStatus', requestId: 'whatsapp:newer', status: 'responded', at: now }]);
    assert.deepEqual(recovered.ops.at(-1), { op: 'response', eventId: 'decision-1', requestId: 'whatsapp:newer', channel: CHANNEL, peer: PEER, kind: 'text', content: 'Here is your movie.', reason: null, at: now });
    const next = decideOutbound(recovered.state, outbound({ decisionId: 'd2' }), now + 1);
    assert.equal(next.result.requestId, 'whatsapp:older', 'the one use went to "newer"; the next recovery takes the next received request');
  });

  test('an expired arm counts as no arm (expiry == now is expired)', () => {
    const answered = decideOutbound(armed(), outbound({ decisionId: 'd1' }), T0 + 1000).state; // request responded, 2 uses left
    const at = answered.arm?.expiresAt ?? 0;
    const { result, ops, state } = decideOutbound(answered, outbound({ decisionId: 'd2' }), at);
    assert.deepEqual(result, { action: 'cancel', reason: 'no-arm', requestId: null, usesLeft: 0, expiresAt: null });
    assert.deepEqual(ops[0], { op: 'disarm', armKey: ARM_KEY, at });
    assert.equal(state.arm, null);
  });

  test('a received request older than missedResponseTtlMs is marked missed and the message cancelled (request-missed)', () => {
    const now = T0 + 600_001;
    const { result, ops, state } = decideOutbound(armed(), outbound(), now);
    assert.deepEqual(result, { action: 'cancel', reason: 'request-missed', requestId: 'whatsapp:ABC', usesLeft: 0, expiresAt: null });
    assert.deepEqual(opsOf(ops, 'requestStatus'), [{ op: 'requestStatus', requestId: 'whatsapp:ABC', status: 'missed', at: now }]);
    const [response] = opsOf(ops, 'response');
    assert.ok(response?.op === 'response');
    assert.equal(response.kind, 'blocked');
    assert.equal(response.content, 'Here is your movie.');
    assert.equal(response.requestId, 'whatsapp:ABC');
    assert.equal(response.eventId, 'decision-1');
    assert.match(response.reason ?? '', /missed/);
    assert.deepEqual(state.pending, []);
    assert.equal(state.counters.missed, 1);
    assert.equal(state.counters.blocked, 1);
    assert.equal(describeGate(state, now), 'idle — request whatsapp:ABC missed');
  });

  test('a received request exactly missedResponseTtlMs old is not yet older than it: recovered', () => {
    assert.equal(decideOutbound(armed(), outbound(), T0 + 600_000).result.reason, 'recovered');
  });

  test('nothing to answer: cancel (no-arm) with a blocked response row carrying the content and a reason', () => {
    const now = T0 + 5;
    const { result, ops, state } = decideOutbound(idle(), outbound({ decisionId: 'd-blocked', content: 'unsolicited' }), now);
    assert.deepEqual(result, { action: 'cancel', reason: 'no-arm', requestId: null, usesLeft: 0, expiresAt: null });
    assert.equal(ops.length, 1);
    const [response] = ops;
    assert.ok(response?.op === 'response');
    assert.deepEqual({ ...response, reason: null }, { op: 'response', eventId: 'd-blocked', requestId: null, channel: CHANNEL, peer: PEER, kind: 'blocked', content: 'unsolicited', reason: null, at: now });
    assert.ok((response.reason ?? '').length > 0, 'a blocked row says why');
    assert.equal(state.counters.blocked, 1);
    assert.equal(state.counters.delivered, 0);
  });
});

describe('expireDue and nextDeadline (durable timers)', () => {
  const armed = (): GateState => applyTrigger(idle(), trigger(), T0).state;

  test('nothing happens before the arm expiry or the watchdog', () => {
    const state = armed();
    const early = expireDue(state, T0 + 120_000 - 1);
    assert.deepEqual(early, { state, ops: [], result: { changed: false } });
  });

  test('the arm is disarmed at its expiry', () => {
    const { state, ops, result } = expireDue(armed(), T0 + 120_000);
    assert.deepEqual(ops, [{ op: 'disarm', armKey: ARM_KEY, at: T0 + 120_000 }]);
    assert.equal(state.arm, null);
    assert.equal(state.pending.length, 1, 'the request stays received until its watchdog');
    assert.deepEqual(result, { changed: true });
  });

  test('the watchdog marks a received request missed at missedAt', () => {
    const disarmed = expireDue(armed(), T0 + 120_000).state;
    assert.deepEqual(expireDue(disarmed, T0 + 600_000 - 1).ops, []);
    const { state, ops } = expireDue(disarmed, T0 + 600_000);
    assert.deepEqual(ops, [{ op: 'requestStatus', requestId: 'whatsapp:ABC', status: 'missed', at: T0 + 600_000 }]);
    assert.deepEqual(state.pending, []);
    assert.equal(state.counters.missed, 1);
    assert.equal(describeGate(state, T0 + 600_000), 'idle — request whatsapp:ABC missed');
  });

  test('nextDeadline: null when idle, else the earliest of the arm expiry and the watchdogs', () => {
    assert.equal(nextDeadline(idle()), null);
    assert.equal(nextDeadline(armed()), T0 + 120_000);
    const afterExpiry = expireDue(armed(), T0 + 120_000).state;
    assert.equal(nextDeadline(afterExpiry), T0 + 600_000);
    const long = applyTrigger(idle(), trigger({ config: { ...CONFIG, armTtlMs: 900_000 } }), T0).state;
    assert.equal(nextDeadline(long), T0 + 600_000);
    const answered = decideOutbound(armed(), outbound(), T0 + 1000).state;
    assert.equal(nextDeadline(answered), T0 + 1000 + 120_000);
  });
});

describe('describeGate (Web UI line)', () => {
  test('armed: "armed by +49…67 for request …: 2 uses left, expires HH:MM:SS UTC"', () => {
    const now = Date.UTC(2025, 0, 2, 12, 1, 31);
    const state = decideOutbound(applyTrigger(idle(), trigger(), T0).state, outbound(), now).state;
    assert.equal(describeGate(state, now), 'armed by +49…67 for request whatsapp:ABC: 2 uses left, expires 12:03:31 UTC');
    const once = decideOutbound(state, outbound({ decisionId: 'd2' }), now).state;
    assert.equal(describeGate(once, now), 'armed by +49…67 for request whatsapp:ABC: 1 use left, expires 12:03:31 UTC');
  });

  test('idle: "idle" for a gate that has seen nothing', () => {
    assert.equal(describeGate(idle(), T0), 'idle');
  });

  test('idle after the watchdog: "idle — request … missed"', () => {
    const missedAt = T0 + 600_000;
    const state = expireDue(expireDue(applyTrigger(idle(), trigger(), T0).state, T0 + 120_000).state, missedAt).state;
    assert.equal(describeGate(state, missedAt), 'idle — request whatsapp:ABC missed');
  });
});
