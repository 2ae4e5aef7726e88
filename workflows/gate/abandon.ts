/**
 * Decisions the bridge gave up on (SEED-BEHAVIOUR §2.3, "nothing dropped silently"): the bridge cancelled the
 * message, so the ledger must not say it was sent. Pure functions like `decide.ts`; the bridge's abandon signal
 * and the outbound update may reach the gate in either order, and both orders end in the same ledger:
 * - abandon first: the decision id is remembered, the later update is answered `cancel` without using anything;
 * - update first: the use it consumed is given back and its `responses` row moves to `blocked_messages`.
 * No clock is compared with another: only the decision id links the two.
 */
import type { GateAbandonEvent, GateOutboundDecision, GateOutboundRequest } from './contract.ts';
import { armKey, type Decided } from './decide.ts';
import type { GateLedgerOp } from './ledger-ops.ts';
import { DECISION_WINDOW, DEDUPE_WINDOW, type Arm, type GateState } from './state.ts';

/** The answer to an update whose decision the bridge had already abandoned. */
export const ABANDONED_DECISION: GateOutboundDecision = { action: 'cancel', reason: 'abandoned', requestId: null, usesLeft: 0, expiresAt: null };

/** Whether the bridge abandoned `decisionId` before its update arrived. */
export function isAbandoned(state: GateState, decisionId: string): boolean {
  return state.abandoned?.includes(decisionId) ?? false;
}

/** Remembers what a delivered decision consumed (`before` is the state it was decided on). */
export function noteDelivered(before: GateState, after: GateState, request: GateOutboundRequest, decision: GateOutboundDecision): GateState {
  if (decision.action !== 'deliver' || decision.requestId === null) return after;
  const requestId = decision.requestId;
  const entry = {
    decisionId: request.decisionId,
    requestId,
    armBefore: decision.reason === 'armed' ? before.arm : null,
    reopens: before.pending.find((p) => p.requestId === requestId) ?? null,
  };
  return { ...after, delivered: [...(after.delivered ?? []), entry].slice(-DECISION_WINDOW) };
}

/** The arm after giving one use back, or null when there is nothing to give it back to. */
function restoredArm(state: GateState, requestId: string, armBefore: Arm | null, now: number): Arm | null {
  const arm = state.arm;
  if (arm !== null && arm.requestId === requestId) return { ...arm, usesLeft: arm.usesLeft + 1 };
  if (arm === null && armBefore !== null && armBefore.expiresAt > now) return { ...armBefore, usesLeft: 1 };
  return null; // a newer trigger armed for another request, or the arm ran out anyway
}

/**
 * The bridge abandoned `event.decisionId`. Not applied yet: a `blocked` row with the reason. Applied (it
 * consumed a use): the use is given back, the request reopened when that was its only answer, and the row
 * moved to `blocked_messages`. A repeated signal changes nothing.
 */
export function applyAbandon(state: GateState, event: GateAbandonEvent, now: number): Decided<{ restored: boolean; duplicate: boolean }> {
  if (isAbandoned(state, event.decisionId)) return { state, ops: [], result: { restored: false, duplicate: true } };
  const { channel, peer } = state;
  const reason = `cancelled by the gateway before delivery: ${event.reason}`;
  const abandoned = [...(state.abandoned ?? []), event.decisionId].slice(-DEDUPE_WINDOW);
  const counters = { ...state.counters, blocked: state.counters.blocked + 1 };
  const applied = state.delivered?.find((d) => d.decisionId === event.decisionId);
  const base: GateState = { ...state, config: event.config, abandoned, counters };
  if (applied === undefined) {
    const at = Math.min(event.observedAt, now);
    const op: GateLedgerOp = { op: 'decisionAbandoned', eventId: event.decisionId, requestId: null, channel, peer, content: event.content, reason, at };
    return { state: { ...base, lastEvent: `a message was cancelled by the gateway (${event.reason})` }, ops: [op], result: { restored: false, duplicate: false } };
  }
  const ops: GateLedgerOp[] = [];
  const arm = restoredArm(state, applied.requestId, applied.armBefore, now);
  if (arm !== null) ops.push({ op: 'arm', armKey: armKey(channel, peer), channel, peer, ...arm, at: now });
  const reopen = applied.reopens !== null && applied.reopens.missedAt > now && !state.pending.some((p) => p.requestId === applied.requestId);
  const pending = reopen && applied.reopens !== null ? [...state.pending, applied.reopens].sort((a, b) => a.createdAt - b.createdAt) : state.pending;
  // The ledger reopens a request left without any sent message; when its watchdog deadline has passed meanwhile,
  // the gate does not reopen it, and neither may the ledger: it is recorded missed right after.
  ops.push({ op: 'decisionAbandoned', eventId: event.decisionId, requestId: applied.requestId, channel, peer, content: event.content, reason, at: now });
  if (applied.reopens !== null && !reopen) ops.push({ op: 'requestStatus', requestId: applied.requestId, status: 'missed', at: now });
  const next: GateState = {
    ...base,
    arm: arm ?? state.arm,
    pending,
    delivered: (state.delivered ?? []).filter((d) => d.decisionId !== event.decisionId),
    lastEvent: `a delivered decision for request ${applied.requestId} was cancelled by the gateway: use given back`,
    counters: { ...counters, delivered: Math.max(0, counters.delivered - 1) },
  };
  return { state: next, ops, result: { restored: true, duplicate: false } };
}
