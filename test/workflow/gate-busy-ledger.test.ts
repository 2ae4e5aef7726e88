/**
 * A gate decided every second or so — one of many peers (issue 14) — on a real dev server: since
 * `gate-ledger-busy-linger` its ledger rows are written in batches instead of one activity (and one more workflow
 * task) per decision, every row still lands exactly once, a lone decision on a quiet gate is still written at
 * once, without a linger timer, and a burst on a quiet gate (a reply sent in parts) waits only the short linger.
 * Counts of history events and ledger rows only; nothing is timed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gateWorkflowId, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { LEDGER_BUSY_LINGER, LEDGER_LINGER_MS } from '../../workflows/gate/workflow.ts';
import { withGateStack } from '../helpers/gate-stack.ts';
import { readRows } from '../helpers/sqlite.ts';
import { eventually } from '../helpers/temporal.ts';

const CHANNEL = 'whatsapp';
const stack = withGateStack('gate-busy-ledger', CHANNEL);
const { dbPath, soon, state } = stack;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const config: GateRuntimeConfig = { armTtlMs: 600_000, maxUsesPerArm: 100, missedResponseTtlMs: 1_200_000, dbPath };
/** Between two decisions for the peer: longer than the old 500-ms linger, shorter than the busy window. */
const PAUSE_MS = 700;
const DECISIONS = 10;

/** `temporal.api.enums.v1.EventType` values. */
const ACTIVITY_SCHEDULED = 10;
const TIMER_STARTED = 17;
const UPDATE_ACCEPTED = 41;

const timerMs = (e: { timerStartedEventAttributes?: { startToFireTimeout?: { seconds?: unknown; nanos?: number | null } | null } | null }) => {
  const t = e.timerStartedEventAttributes?.startToFireTimeout;
  return Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
};

async function events(peer: string) {
  return (await stack.env.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer)).fetchHistory()).events ?? [];
}
const ledgerWritten = (peer: string) => eventually('the ledger is written', async () => ((await state(peer)).ledger.length === 0 ? true : undefined));
const responses = (peer: string) => readRows<{ n: number; ids: number }>(dbPath, 'SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS ids FROM responses WHERE peer = ?', peer)[0];

describe('a busy gate ledger (real dev server)', () => {
  test('decisions a second apart share ledger activities, and every row lands once', async () => {
    assert.ok(PAUSE_MS < LEDGER_BUSY_LINGER.busyWithinMs, 'the peer stays busy between its decisions');
    const peer = '+491720000001';
    await stack.trigger(peer, 'busy-1', config);
    for (let i = 0; i < DECISIONS; i += 1) {
      await sleep(PAUSE_MS);
      assert.equal((await stack.gate.decide(peer, { decisionId: `busy-${i}`, content: `answer ${i}`, config }, soon())).action, 'deliver');
    }
    await ledgerWritten(peer);
    const activities = (await events(peer)).filter((e) => Number(e.eventType) === ACTIVITY_SCHEDULED).length;
    // Before the patch each decision found the ledger idle for the 500-ms linger: 1 + 10 activities. Now a decision
    // waits for the next one (at least two per batch, however slow this machine is): at most 1 + 10 / 2 + 1.
    assert.ok(activities <= 1 + DECISIONS / 2 + 1, `${activities} ledger activities for the trigger and ${DECISIONS} decisions`);
    const written = await eventually('the rows are in the ledger', () => {
      const rows = responses(peer);
      return rows?.n === DECISIONS ? rows : undefined;
    });
    assert.deepEqual(written, { n: DECISIONS, ids: DECISIONS }, 'one response row per decision');
  });

  test('a lone decision on a quiet gate is written at once, without a linger timer', async () => {
    const peer = '+491720000002';
    await stack.trigger(peer, 'quiet-1', config);
    await ledgerWritten(peer);
    await sleep(LEDGER_BUSY_LINGER.busyWithinMs + 200);
    assert.equal((await stack.gate.decide(peer, { decisionId: 'quiet-decision', content: 'answer', config }, soon())).action, 'deliver');
    await ledgerWritten(peer);
    const all = await events(peer);
    const accepted = all.findIndex((e) => Number(e.eventType) === UPDATE_ACCEPTED);
    const write = all.findIndex((e, i) => i > accepted && Number(e.eventType) === ACTIVITY_SCHEDULED);
    assert.ok(accepted > 0 && write > accepted, 'the decision was written');
    assert.equal(all.slice(accepted, write).filter((e) => Number(e.eventType) === TIMER_STARTED).length, 0, 'no linger timer before its write');
    assert.deepEqual(responses(peer), { n: 1, ids: 1 });
  });

  test('a burst on a quiet gate waits only the short linger, never the busy one', async () => {
    const peer = '+491720000003';
    await stack.trigger(peer, 'burst-1', config);
    await ledgerWritten(peer);
    await sleep(LEDGER_BUSY_LINGER.busyWithinMs + 200);
    const parts = await Promise.all([0, 1, 2].map((i) => stack.gate.decide(peer, { decisionId: `burst-part-${i}`, content: `part ${i}`, config }, soon())));
    assert.deepEqual(parts.map((d) => d.action), ['deliver', 'deliver', 'deliver']);
    await ledgerWritten(peer);
    const lingers = (await events(peer)).filter((e) => Number(e.eventType) === TIMER_STARTED && timerMs(e) < 60_000).map(timerMs);
    assert.ok(lingers.every((ms) => ms === LEDGER_LINGER_MS), `linger timers ${lingers.join(', ')} ms`);
    assert.deepEqual(responses(peer), { n: 3, ids: 3 });
  });
});
