/**
 * The outage run's auditor: reads the gate ledger (SQLite, read-only) and the gate's own state (its query) and
 * checks issue 9's acceptance for every event — each delivered reply has its `responses` row and a consumed use,
 * each cancelled reply exactly one `blocked_messages` row and no `responses` row, each trigger exactly one request
 * with its own time, and no request answered more often than it had uses. Every breach is a line in `violations`.
 */
import { existsSync } from 'node:fs';
import { gateOutboxPath } from '../../plugin-bridge/lorene-gate/index.ts';
import { gateStateQuery, gateWorkflowId } from '../../workflows/gate/contract.ts';
import { readRows } from '../../test/helpers/sqlite.ts';
import type { OutageEvent, OutagePhase, OutageRun } from './run.ts';
import { OUTAGE_PEERS, type OutageStack } from './stack.ts';

export interface PhaseFigures {
  triggers: number;
  delivered: number;
  cancelled: number;
}

export interface OutageFigures {
  readonly events: number;
  readonly byPhase: Readonly<Record<OutagePhase, PhaseFigures>>;
  /** Longest time the hook runner took for one reply (ms); its budget is decisionTimeoutMs + 2000. */
  readonly slowestReplyMs: number;
  readonly requests: number;
  /** `responses` rows of kind text for the peer: uses consumed. */
  readonly usesConsumed: number;
  /** The gate's own count of delivered decisions (its state query). */
  readonly gateDelivered: number;
  readonly blockedRows: number;
  /** Most uses consumed by one request, against maxUsesPerArm. */
  readonly mostUsesOfOneRequest: number;
  /** From Temporal being back until the plugin's outbox had delivered the outage's backlog (ms; null: not during the run). */
  readonly backlogDeliveredAfterMs: number | null;
  /** From Temporal being back until the audit first passed (ms): at least the run's time after the outage. */
  readonly settledAfterMs: number;
  readonly violations: readonly string[];
}

type Row = { readonly key: string; readonly n: number };
const countBy = (dbPath: string, sql: string, peer: string) => new Map(readRows<Row>(dbPath, sql, peer).map((r) => [r.key, r.n]));

/** Checks the ledger against `run`; `violations` is empty when every rule holds. */
export async function auditOutage(stack: OutageStack, run: OutageRun): Promise<Omit<OutageFigures, 'settledAfterMs' | 'backlogDeliveredAfterMs'>> {
  const { dbPath } = stack;
  const peer = OUTAGE_PEERS.protected;
  const text = countBy(dbPath, "SELECT content AS key, COUNT(*) AS n FROM responses WHERE peer = ? AND kind = 'text' GROUP BY content", peer);
  const blocked = countBy(dbPath, 'SELECT content AS key, COUNT(*) AS n FROM blocked_messages WHERE peer = ? GROUP BY content', peer);
  const perRequest = countBy(dbPath, "SELECT request_id AS key, COUNT(*) AS n FROM responses WHERE peer = ? AND kind = 'text' GROUP BY request_id", peer);
  const requests = new Map(
    readRows<{ request_id: string; created_at: number }>(dbPath, 'SELECT request_id, created_at FROM requests WHERE peer = ?', peer).map((r) => [r.request_id, r.created_at]),
  );
  const requestRows = readRows<Row>(dbPath, 'SELECT request_id AS key, COUNT(*) AS n FROM requests WHERE peer = ? GROUP BY request_id', peer);
  const violations: string[] = [];
  const byPhase: Record<OutagePhase, PhaseFigures> = { before: zero(), outage: zero(), after: zero() };
  const say = (e: OutageEvent, what: string) => violations.push(`#${e.index} ${e.kind} (${e.phase}) ${e.id}: ${what}`);
  for (const e of run.events) {
    if (e.outcome === 'failed') say(e, `hook run failed: ${e.detail ?? ''}`);
    if (e.kind === 'trigger') {
      byPhase[e.phase].triggers += 1;
      const createdAt = requests.get(`whatsapp:${e.id}`);
      if (createdAt === undefined) say(e, 'no request row');
      else if (createdAt < e.startedAt || createdAt > e.endedAt) say(e, `request created at ${createdAt}, not the trigger's time [${e.startedAt}, ${e.endedAt}]`);
    } else if (e.outcome === 'delivered') {
      byPhase[e.phase].delivered += 1;
      // Fired during the outage, it may still be delivered once Temporal is back (within its deadline); never before.
      if (e.startedAt >= run.outageStartedAt && e.endedAt < run.outageEndedAt) say(e, 'delivered while Temporal was unreachable');
      if ((text.get(e.id) ?? 0) !== 1) say(e, `delivered with ${text.get(e.id) ?? 0} responses rows (want 1)`);
      if (blocked.has(e.id)) say(e, 'delivered but also in blocked_messages');
    } else if (e.outcome === 'cancelled') {
      byPhase[e.phase].cancelled += 1;
      if ((blocked.get(e.id) ?? 0) !== 1) say(e, `cancelled with ${blocked.get(e.id) ?? 0} blocked_messages rows (want 1)`);
      if (text.has(e.id)) say(e, 'cancelled but recorded as sent (a use consumed)');
    }
  }
  for (const r of requestRows) if (r.n !== 1) violations.push(`request ${r.key}: ${r.n} rows`);
  const usesConsumed = [...text.values()].reduce((a, b) => a + b, 0);
  const delivered = run.events.filter((e) => e.outcome === 'delivered').length;
  if (usesConsumed !== delivered) violations.push(`${usesConsumed} uses consumed in the ledger for ${delivered} delivered replies`);
  const mostUsesOfOneRequest = Math.max(0, ...perRequest.values());
  for (const [requestId, n] of perRequest) if (n > run.plan.maxUsesPerArm) violations.push(`request ${requestId} answered ${n} times (maxUsesPerArm ${run.plan.maxUsesPerArm})`);
  const state = await stack.env.client.workflow.getHandle(gateWorkflowId('whatsapp', peer)).query(gateStateQuery);
  if (state.counters.delivered !== delivered) violations.push(`the gate counts ${state.counters.delivered} delivered decisions, the hooks delivered ${delivered}`);
  const replies = run.events.filter((e) => e.kind === 'reply');
  return {
    events: run.events.length,
    byPhase,
    slowestReplyMs: Math.max(0, ...replies.map((e) => e.endedAt - e.startedAt)),
    requests: requests.size,
    usesConsumed,
    gateDelivered: state.counters.delivered,
    blockedRows: [...blocked.values()].reduce((a, b) => a + b, 0),
    mostUsesOfOneRequest,
    violations,
  };
}

function zero(): PhaseFigures {
  return { triggers: 0, delivered: 0, cancelled: 0 };
}

/**
 * Waits until the plugin's outbox is empty and the audit passes (or `timeoutMs` passes), then waits `settleMs`
 * more and audits again, so a row written twice late is caught too.
 */
export async function auditWhenSettled(stack: OutageStack, run: OutageRun, timeoutMs: number, settleMs: number): Promise<OutageFigures> {
  const deadline = Date.now() + timeoutMs;
  let settledAt = Date.now();
  for (;;) {
    const drained = !existsSync(gateOutboxPath(stack.stateDir));
    // A query that fails while the gate catches up is asked again; the final audit below reports a lasting failure.
    const audit = drained ? await auditOutage(stack, run).catch(() => null) : null;
    settledAt = Date.now();
    if ((audit !== null && audit.violations.length === 0) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, settleMs));
  const final = await auditOutage(stack, run);
  const backlogDeliveredAfterMs = run.outboxDrainedAt === null ? null : run.outboxDrainedAt - run.outageEndedAt;
  return { ...final, backlogDeliveredAfterMs, settledAfterMs: Math.max(0, settledAt - run.outageEndedAt) };
}
