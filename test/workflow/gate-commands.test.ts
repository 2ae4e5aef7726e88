/**
 * What a gate decision costs in history (issue 14), on a real dev server: uses that push the expiry later start no
 * timer, an early-firing timer still disarms on time, a lone decision after an idle ledger is written without a
 * linger timer, the state search attribute is not written again after continue-as-new, and a decision to a known
 * gate that is gone (terminated) starts it again. Counts of history events only; nothing is timed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { gateWorkflowId, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { withGateStack } from '../helpers/gate-stack.ts';
import { eventually } from '../helpers/temporal.ts';
import { LEDGER_LINGER_MS as LINGER_MS } from '../../workflows/gate/workflow.ts';

const CHANNEL = 'whatsapp';
const stack = withGateStack('gate-commands', CHANNEL);
const { dbPath, soon, state } = stack;
let peers = 0;
let decisions = 0;
const newPeer = () => `+4917100000${String(++peers).padStart(2, '0')}`;
const config = (o: Partial<GateRuntimeConfig> = {}): GateRuntimeConfig => ({ armTtlMs: 60_000, maxUsesPerArm: 10, missedResponseTtlMs: 120_000, dbPath, ...o });
const trigger = (peer: string, messageId: string, cfg: GateRuntimeConfig) => stack.trigger(peer, messageId, cfg);
const send = (peer: string, cfg: GateRuntimeConfig) => stack.gate.decide(peer, { decisionId: `gc-${++decisions}`, content: 'an answer', config: cfg }, soon());
const ledgerWritten = (peer: string) => eventually('the ledger is written', async () => ((await state(peer)).ledger.length === 0 ? true : undefined));

/** `temporal.api.enums.v1.EventType` values. */
const TIMER_STARTED = 17;
const TIMER_CANCELED = 19;
const ACTIVITY_SCHEDULED = 10;
const UPSERT_SEARCH_ATTRIBUTES = 40;

async function events(peer: string, runId?: string) {
  const history = await stack.env.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer), runId).fetchHistory();
  return history.events ?? [];
}
const timerMs = (e: { timerStartedEventAttributes?: { startToFireTimeout?: { seconds?: unknown; nanos?: number | null } | null } | null }) => {
  const t = e.timerStartedEventAttributes?.startToFireTimeout;
  return Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
};

describe('gate workflow commands per decision (real dev server)', () => {
  test('uses that push the expiry later start no timer and cancel none', async () => {
    const peer = newPeer();
    const cfg = config();
    await trigger(peer, 'gc-uses', cfg);
    for (let i = 0; i < 5; i += 1) assert.equal((await send(peer, cfg)).action, 'deliver');
    await ledgerWritten(peer);
    const all = await events(peer);
    // Expiry and watchdog timers are tens of seconds here; the ledger's linger timer is 500 ms.
    const long = all.filter((e) => Number(e.eventType) === TIMER_STARTED && timerMs(e) > 10_000);
    assert.equal(long.length, 1, 'one expiry/watchdog timer for the trigger and five uses');
    assert.equal(all.filter((e) => Number(e.eventType) === TIMER_CANCELED).length, 0, 'no timer cancelled');
  });

  test('a timer left running fires early, is armed again, and the arm still expires', async () => {
    const peer = newPeer();
    const cfg = config({ armTtlMs: 1500 });
    await trigger(peer, 'gc-early', cfg);
    await new Promise((r) => setTimeout(r, 700));
    assert.equal((await send(peer, cfg)).action, 'deliver');
    await eventually('the arm expired', async () => ((await state(peer)).arm === null ? true : undefined));
    const timers = (await events(peer)).filter((e) => Number(e.eventType) === TIMER_STARTED && timerMs(e) !== LINGER_MS);
    assert.ok(timers.length >= 2, `the early timer was followed by one for the rest (${timers.length} timers)`);
  });

  test('a lone decision after an idle ledger is written without a linger timer', async () => {
    const peer = newPeer();
    const cfg = config();
    await trigger(peer, 'gc-lone', cfg);
    await ledgerWritten(peer);
    const all = await events(peer);
    const firstWrite = all.findIndex((e) => Number(e.eventType) === ACTIVITY_SCHEDULED);
    assert.ok(firstWrite > 0, 'the trigger was written');
    const lingers = all.slice(0, firstWrite).filter((e) => Number(e.eventType) === TIMER_STARTED && timerMs(e) === LINGER_MS);
    assert.equal(lingers.length, 0, 'no linger timer before the first write');
  });

  test('the state search attribute is not written again after continue-as-new', async () => {
    const peer = newPeer();
    const cfg = config({ maxUsesPerArm: 1000 });
    const started = await stack.env.client.workflow.start('gateWorkflow', { workflowId: gateWorkflowId(CHANNEL, peer), taskQueue: 'openclaw-temporal', args: [{ channel: CHANNEL, peer, maxHistoryEvents: 40 }] });
    await trigger(peer, 'gc-can', cfg);
    for (let i = 0; i < 20; i += 1) assert.equal((await send(peer, cfg)).action, 'deliver');
    const latest = await stack.env.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer)).describe();
    assert.notEqual(latest.runId, started.firstExecutionRunId, 'the gate continued as new');
    assert.equal(latest.typedSearchAttributes.get({ name: 'OpenClawGateState', type: 'KEYWORD' }), 'armed');
    // (The SDK's own `TemporalChangeVersion` upserts, one per patch in a run's first task, are not ours.)
    const upserts = (await events(peer, latest.runId)).filter((e) => Number(e.eventType) === UPSERT_SEARCH_ATTRIBUTES && 'OpenClawGateState' in (e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}));
    assert.equal(upserts.length, 0, 'the carried "armed" is not upserted again');
  });

  test('each decision shows its uses left at once, and the last use turns the state attribute idle', async () => {
    // Since `gate-quiet-decisions` a decision wakes the main loop only when it has work; the handler shows the rest.
    const peer = newPeer();
    const cfg = config({ maxUsesPerArm: 3 });
    await trigger(peer, 'gc-quiet', cfg);
    const gate = stack.env.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer));
    const details = async () => (await gate.query(workflowMetadataQuery)).currentDetails ?? '';
    const gateState = async () => (await gate.describe()).typedSearchAttributes.get({ name: 'OpenClawGateState', type: 'KEYWORD' });
    assert.match(await details(), /: 3 uses left,/);
    for (const left of ['2 uses', '1 use']) {
      assert.equal((await send(peer, cfg)).action, 'deliver');
      assert.match(await details(), new RegExp(`: ${left} left,`), `after a decision: ${left} left`);
      assert.equal(await gateState(), 'armed');
    }
    assert.equal((await send(peer, cfg)).action, 'deliver', 'the last use');
    assert.match(await details(), /^idle/);
    await eventually('the state attribute says idle', async () => ((await gateState()) === 'idle' ? true : undefined));
    const spent = await send(peer, cfg);
    assert.deepEqual([spent.action, spent.reason], ['cancel', 'no-arm'], 'no use left');
  });

  test('a decision for a known gate that was terminated starts it again and is answered', async () => {
    const peer = newPeer();
    const cfg = config();
    await trigger(peer, 'gc-gone', cfg);
    assert.equal((await send(peer, cfg)).action, 'deliver');
    const handle = stack.env.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer));
    const first = (await handle.describe()).runId;
    await handle.terminate('test: the gate is gone');
    const decision = await send(peer, cfg);
    assert.deepEqual([decision.action, decision.reason], ['cancel', 'no-arm'], 'a fresh gate has no arm');
    assert.notEqual((await handle.describe()).runId, first, 'a new run was started');
    await trigger(peer, 'gc-gone-2', cfg);
    assert.equal((await send(peer, cfg)).action, 'deliver', 'signals to the new run arrive');
  });
});
