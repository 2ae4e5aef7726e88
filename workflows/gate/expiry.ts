/**
 * The gate's timers as pure functions: what an expired arm and overdue watchdogs change (SEED-BEHAVIOUR §2.3), and
 * when the workflow's next timer must fire.
 */
import type { GateLedgerOp } from './ledger-ops.ts';
import type { GateState } from './state.ts';
import { armKey, type Decided } from './decide.ts';

/** Timers: disarms an expired arm and marks every request whose watchdog ran out as `missed`. */
export function expireDue(state: GateState, now: number): Decided<{ changed: boolean }> {
  const ops: GateLedgerOp[] = [];
  let next = state;
  if (state.arm !== null && state.arm.expiresAt <= now) {
    ops.push({ op: 'disarm', armKey: armKey(state.channel, state.peer), at: now });
    next = { ...next, arm: null, lastEvent: `arm for request ${state.arm.requestId} expired` };
  }
  const due = state.pending.filter((p) => p.missedAt <= now);
  if (due.length > 0) {
    for (const p of due) ops.push({ op: 'requestStatus', requestId: p.requestId, status: 'missed', at: now });
    next = {
      ...next,
      pending: state.pending.filter((p) => p.missedAt > now),
      lastEvent: `request ${due.at(-1)?.requestId} missed`,
      counters: { ...next.counters, missed: next.counters.missed + due.length },
    };
  }
  return { state: next, ops, result: { changed: ops.length > 0 } };
}

/** When the next timer must fire: the arm's expiry or the earliest watchdog, whichever is first; null when idle. */
export function nextDeadline(state: GateState): number | null {
  const times = state.pending.map((p) => p.missedAt);
  if (state.arm !== null) times.push(state.arm.expiresAt);
  return times.length === 0 ? null : Math.min(...times);
}
