/** The gate's one line for the Web UI and `ops status`, from its state. Pure. */
import type { GateState } from './state.ts';
import { describeDeadLetters } from './dead-letters.ts';
import { isLive } from './decide.ts';
import { maskPeer } from './text.ts';

/**
 * One line for the Web UI: "armed by +49…67 for request whatsapp:ABC: 2 uses left, expires 12:04:31 UTC", or
 * "idle", followed by the dead-letter queue when the ledger has writes waiting for a replay.
 */
export function describeGate(state: GateState, now: number): string {
  return `${describeArm(state, now)}${describeDeadLetters(state)}`;
}

function describeArm(state: GateState, now: number): string {
  if (state.arm !== null && isLive(state.arm, now)) {
    const { sender, requestId, usesLeft, expiresAt } = state.arm;
    const uses = `${usesLeft} ${usesLeft === 1 ? 'use' : 'uses'} left`;
    return `armed by ${maskPeer(sender)} for request ${requestId}: ${uses}, expires ${new Date(expiresAt).toISOString().slice(11, 19)} UTC`;
  }
  const waiting = state.pending.length > 0 ? `; ${state.pending.length} unanswered request(s) within the watchdog` : '';
  // An arm past its expiry whose timer has not fired yet is already dead: say so rather than the stale "armed by".
  const last = state.arm !== null ? `arm for request ${state.arm.requestId} expired` : state.lastEvent;
  return last === null ? `idle${waiting}` : `idle — ${last}${waiting}`;
}
