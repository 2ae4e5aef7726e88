/**
 * The gate's rules (SEED-BEHAVIOUR §2.2–2.3) as pure functions: (state, event, now) → (state, ledger ops, result).
 * The workflow is a thin loop around them; unit tests check each rule without Temporal.
 */
import type { GateOutboundDecision, GateOutboundRequest, GateRuntimeConfig, GateTriggerEvent } from './contract.ts';
import type { GateLedgerOp } from './ledger-ops.ts';
import { DEDUPE_WINDOW, MAX_PENDING_REQUESTS, type Arm, type GateState, type PendingRequest } from './state.ts';
import { classifyTopic, maskPeer } from './text.ts';

/** A decision's outcome: the next state, the ledger writes it implies, and the answer for the caller. */
export interface Decided<T> {
  readonly state: GateState;
  readonly ops: readonly GateLedgerOp[];
  readonly result: T;
}

/** The `arm_key` of the ledger's `arms` table. */
export function armKey(channel: string, peer: string): string {
  return `${channel}:${peer}`;
}

/** An arm is live while it has uses left and has not expired. */
export function isLive(arm: Arm | null, now: number): boolean {
  return arm !== null && arm.usesLeft > 0 && arm.expiresAt > now;
}

function armOp(state: GateState, arm: Arm, now: number): GateLedgerOp {
  return { op: 'arm', armKey: armKey(state.channel, state.peer), channel: state.channel, peer: state.peer, ...arm, at: now };
}

function rememberId(ids: readonly string[], id: string): string[] {
  return [...ids, id].slice(-DEDUPE_WINDOW);
}

/**
 * An allowed person's trigger: records the request in its topic thread and (re-)arms the peer with a fresh use
 * count and expiry; a new trigger replaces the previous arm. A message id seen before is ignored, and so is a
 * trigger without one whose bridge fact id was seen before (the outbox delivers at least once).
 */
export function applyTrigger(state: GateState, event: GateTriggerEvent, now: number): Decided<{ accepted: boolean }> {
  const { channel, peer } = state;
  const messageId = event.messageId || null;
  const dedupeKey = messageId ?? (event.factId === undefined ? null : `fact:${event.factId}`);
  if (dedupeKey !== null && state.recentMessageIds.includes(dedupeKey)) {
    const counters = { ...state.counters, duplicates: state.counters.duplicates + 1 };
    return { state: { ...state, counters }, ops: [], result: { accepted: false } };
  }
  const config = event.config;
  const requestId = `${channel}:${messageId ?? event.receivedAt}`;
  const topic = classifyTopic(event.body);
  const threadId = state.threads[topic] ?? `${channel}:${peer}:${topic}:${now}`;
  const arm: Arm = {
    requestId,
    sourceMessageId: messageId,
    sender: event.sender,
    expiresAt: now + config.armTtlMs,
    usesLeft: config.maxUsesPerArm,
  };
  const request: PendingRequest = {
    requestId,
    sender: event.sender,
    inboundMessageId: messageId,
    createdAt: now,
    missedAt: now + config.missedResponseTtlMs,
  };
  const ops: GateLedgerOp[] = [];
  if (messageId !== null) ops.push({ op: 'seen', channel, messageId, sender: event.sender, peer, at: now });
  ops.push(
    { op: 'thread', threadId, channel, peer, topic, at: now },
    // As the original: the message id, else the request id — never null (its column is NOT NULL).
    { op: 'request', requestId, channel, sender: event.sender, peer, inboundMessageId: messageId ?? requestId, threadId, triggerText: event.text, body: event.body, at: now },
  );
  if (messageId !== null) ops.push({ op: 'seenTriggered', channel, messageId, requestId, threadId });
  const overflow = state.pending.length + 1 - MAX_PENDING_REQUESTS;
  const dropped = overflow > 0 ? state.pending.slice(0, overflow) : [];
  for (const old of dropped) ops.push({ op: 'requestStatus', requestId: old.requestId, status: 'missed', at: now });
  const next: GateState = {
    ...state,
    arm,
    pending: [...state.pending.slice(dropped.length), request],
    threads: { ...state.threads, [topic]: threadId },
    recentMessageIds: dedupeKey === null ? state.recentMessageIds : rememberId(state.recentMessageIds, dedupeKey),
    lastEvent: `armed by ${maskPeer(event.sender)} for request ${requestId}`,
    config,
    counters: {
      ...state.counters,
      triggers: state.counters.triggers + 1,
      missed: state.counters.missed + dropped.length,
    },
  };
  ops.push(armOp(next, arm, now));
  return { state: next, ops, result: { accepted: true } };
}

function blocked(state: GateState, request: GateOutboundRequest, ops: GateLedgerOp[], reason: 'no-arm' | 'request-missed', requestId: string | null, now: number): Decided<GateOutboundDecision> {
  const text = reason === 'no-arm' ? 'no live arm: nobody allowed triggered the assistant' : `request ${requestId} was missed (no answer within missedResponseTtlMs)`;
  ops.push({ op: 'response', eventId: request.decisionId, requestId, channel: state.channel, peer: state.peer, kind: 'blocked', content: request.content, reason: text, at: now });
  const counters = { ...state.counters, blocked: state.counters.blocked + 1 };
  return { state: { ...state, counters }, ops, result: { action: 'cancel', reason, requestId, usesLeft: 0, expiresAt: null } };
}

/**
 * An outbound message to the protected peer. A live arm is consumed (one use; 0 left disarms, otherwise the
 * expiry moves to now + armTtlMs). Without one, watchdog recovery re-arms for the newest unanswered request with
 * one use — unless it is older than `missedResponseTtlMs`, which marks it missed. No arm: cancel.
 */
export function decideOutbound(state: GateState, request: GateOutboundRequest, now: number): Decided<GateOutboundDecision> {
  const config: GateRuntimeConfig = request.config;
  const ops: GateLedgerOp[] = [];
  let current: GateState = { ...state, config };
  let reason: 'armed' | 'recovered' = 'armed';
  if (!isLive(current.arm, now)) {
    if (current.arm !== null) ops.push({ op: 'disarm', armKey: armKey(state.channel, state.peer), at: now });
    current = { ...current, arm: null };
    const newest = current.pending.at(-1);
    if (newest === undefined) return blocked(current, request, ops, 'no-arm', null, now);
    if (now - newest.createdAt > config.missedResponseTtlMs) {
      ops.push({ op: 'requestStatus', requestId: newest.requestId, status: 'missed', at: now });
      const missed: GateState = {
        ...current,
        pending: current.pending.slice(0, -1),
        lastEvent: `request ${newest.requestId} missed`,
        counters: { ...current.counters, missed: current.counters.missed + 1 },
      };
      return blocked(missed, request, ops, 'request-missed', newest.requestId, now);
    }
    const recovered: Arm = { requestId: newest.requestId, sourceMessageId: newest.inboundMessageId, sender: newest.sender, expiresAt: now + config.armTtlMs, usesLeft: 1 };
    current = { ...current, arm: recovered };
    reason = 'recovered';
  }
  const arm = current.arm as Arm;
  const usesLeft = arm.usesLeft - 1;
  const nextArm: Arm | null = usesLeft > 0 ? { ...arm, usesLeft, expiresAt: now + config.armTtlMs } : null;
  ops.push(nextArm === null ? { op: 'disarm', armKey: armKey(state.channel, state.peer), at: now } : armOp(current, nextArm, now));
  ops.push(
    { op: 'requestStatus', requestId: arm.requestId, status: 'responded', at: now },
    { op: 'response', eventId: request.decisionId, requestId: arm.requestId, channel: state.channel, peer: state.peer, kind: 'text', content: request.content, reason: null, at: now },
  );
  const next: GateState = {
    ...current,
    arm: nextArm,
    pending: current.pending.filter((p) => p.requestId !== arm.requestId),
    lastEvent: `answered request ${arm.requestId}${reason === 'recovered' ? ' (recovered)' : ''}`,
    counters: { ...current.counters, delivered: current.counters.delivered + 1 },
  };
  return {
    state: next,
    ops,
    result: { action: 'deliver', reason, requestId: arm.requestId, usesLeft: nextArm?.usesLeft ?? 0, expiresAt: nextArm?.expiresAt ?? null },
  };
}
