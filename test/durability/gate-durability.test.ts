/**
 * lorene-gate durability, tested by breaking things: a real Temporal dev server on a database file (or, with
 * TEMPORAL_TARGET=cluster, a Temporal cluster on PostgreSQL), the deployable worker as a child process (SIGKILLed
 * and restarted), the server stopped and restarted on the same data, and the bridge's own client code in this
 * process, as the gateway would run it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { gateStateQuery, gateWorkflowId, type GateOutboundDecision, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import type { GateState } from '../../workflows/gate/state.ts';
import { parseGateConfig } from '../../plugin-bridge/lorene-gate/config.ts';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { classifyOutbound } from '../../plugin-bridge/lorene-gate/outbound.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { startDurableStack, type DurableStack } from '../helpers/durable-stack.ts';
import { readRows } from '../helpers/sqlite.ts';
import { eventually, tempDir } from '../helpers/temporal.ts';

const CHANNEL = 'whatsapp';
/**
 * Long enough for a worker restart (bundling takes 5–25 s on 2 busy cores) plus the first task after a crash, which
 * waits out the dead worker's sticky queue (the SDK's 10 s `stickyQueueScheduleToStartTimeout`).
 */
const ARM_TTL_MS = 30_000;
const CALL_DEADLINE_MS = 20_000;
const CYCLES = 1000;

const tmp = tempDir('gate-durability');
const dbPath = join(tmp.dir, 'lorene-gate.db');
let stack: DurableStack;
let gate: GateClient;
let peerCounter = 0;
let decisionCounter = 0;
/** The Temporal-down tests share one armed peer, and a bridge started while Temporal is down. */
let downPeer = '';
/**
 * The down peer's arm must outlive Temporal's outage and restart (on the cluster, under load, longer than
 * ARM_TTL_MS), or the last test could not see that its uses were kept.
 */
const downCfg = () => cfg({ armTtlMs: 300_000 });
let downBridge: TemporalBridge;

const newPeer = () => `+4915200000${String(++peerCounter).padStart(2, '0')}`;
const cfg = (overrides: Partial<GateRuntimeConfig> = {}): GateRuntimeConfig => ({
  armTtlMs: ARM_TTL_MS,
  maxUsesPerArm: 3,
  missedResponseTtlMs: 600_000,
  dbPath,
  ...overrides,
});
const trigger = (peer: string, messageId: string, config = cfg()) =>
  gate.trigger(peer, { messageId, sender: '+15550001', text: 'friday: play something', body: 'play something', receivedAt: Date.now(), config }, Date.now() + CALL_DEADLINE_MS);
const decide = (peer: string, config = cfg()): Promise<GateOutboundDecision> =>
  gate.decide(peer, { decisionId: `dur-${++decisionCounter}`, content: 'an answer', config }, Date.now() + CALL_DEADLINE_MS);
const handle = (peer: string) => stack.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer));
/** The gate's state; retried, since the first query after a crash may wait for the dead worker's sticky queue. */
const state = (peer: string) => eventually(`state of ${peer}`, () => handle(peer).query(gateStateQuery) as Promise<GateState>, 30_000);
const ledger = <T>(sql: string, ...params: unknown[]): T[] => readRows<T>(dbPath, sql, ...params);
const armRow = (peer: string) => ledger<{ uses_left: number; expires_at: number }>('SELECT uses_left, expires_at FROM arms WHERE peer = ?', peer)[0];

/** Arms a fresh peer and answers once (2 uses left); returns once the ledger shows it, so no write is in flight. */
async function armedOnce(): Promise<{ peer: string; expiresAt: number }> {
  const peer = newPeer();
  await trigger(peer, `arm-${peer}`);
  const first = await decide(peer);
  assert.deepEqual([first.action, first.usesLeft], ['deliver', 2]);
  await eventually('arm row with 2 uses', () => (armRow(peer)?.uses_left === 2 ? true : undefined));
  return { peer, expiresAt: first.expiresAt ?? 0 };
}

/** The `eventTime` (epoch ms) of the last TimerFired event of the peer's current run. */
async function lastTimerFiredAt(peer: string): Promise<number> {
  const history = await handle(peer).fetchHistory();
  const last = (history.events ?? []).filter((e) => e.timerFiredEventAttributes != null).at(-1)?.eventTime;
  assert.ok(last?.seconds != null, 'the history has a TimerFired event');
  return Number(last.seconds) * 1000 + Math.floor((last.nanos ?? 0) / 1e6);
}

/** How early the server may stamp a TimerFired event relative to the timer's due time. */
const TIMER_PRECISION_MS = 50;

/** Polls the state until the durable timer disarms `peer`, then checks that neither that nor the timer came before `expiry`. */
async function disarmedAtExpiry(t: TestContext, label: string, peer: string, expiry: number): Promise<void> {
  const seen = await eventually('the timer disarms the peer', async () => ((await handle(peer).query(gateStateQuery)).arm === null ? Date.now() : undefined), ARM_TTL_MS + 60_000);
  const firedAt = await lastTimerFiredAt(peer);
  t.diagnostic(`${label}: timer fired ${firedAt - expiry} ms after the expiry; disarm observed ${seen - expiry} ms after it`);
  assert.ok(seen >= expiry, `${label}: not disarmed early (seen ${expiry - seen} ms before the expiry)`);
  // The server stamps TimerFired when its timer queue runs, which was seen up to 3 ms before the due time under
  // load; the gate disarms only when its own workflow time has reached the expiry (expireDue), checked just above
  // through the state. A timer early by more than the server's timer precision would be a defect.
  assert.ok(firedAt >= expiry - TIMER_PRECISION_MS, `${label}: the timer fired at the expiry (${firedAt - expiry} ms; at most ${TIMER_PRECISION_MS} ms early)`);
  await eventually('arm row deleted', () => (armRow(peer) === undefined ? true : undefined));
}

/**
 * Arms survive whatever `breakIt` does: same uses left, same expiry. One peer is answered again (a use is
 * consumed, the expiry moves); the other is left alone, so the timer started before the break must fire at the
 * original expiry. Both are disarmed by their durable timer, not earlier, and the ledger's arm rows go with them.
 */
async function armsSurvive(t: TestContext, breakIt: () => Promise<void>): Promise<void> {
  const used = await armedOnce();
  const idle = await armedOnce();
  const broken = Date.now();
  await breakIt();
  const recovered = Date.now();
  t.diagnostic(`recovered ${recovered - broken} ms after the break; ${idle.expiresAt - recovered} ms of the arm left`);
  assert.ok(recovered < used.expiresAt - 2000, `recovery (${recovered - broken} ms) must fit in armTtlMs (${ARM_TTL_MS} ms) for this test to mean anything`);

  for (const { peer, expiresAt } of [used, idle]) {
    const survived = await state(peer);
    t.diagnostic(`query answered ${Date.now() - recovered} ms after recovery`);
    assert.deepEqual([survived.arm?.usesLeft, survived.arm?.expiresAt], [2, expiresAt], 'the arm keeps its remaining uses and its expiry');
  }
  const second = await decide(used.peer);
  assert.deepEqual([second.action, second.reason, second.usesLeft], ['deliver', 'armed', 1]);
  assert.ok((second.expiresAt ?? 0) >= used.expiresAt, 'a use pushes the expiry forward, never back');

  await Promise.all([disarmedAtExpiry(t, 'untouched arm', idle.peer, idle.expiresAt), disarmedAtExpiry(t, 'arm used after the break', used.peer, second.expiresAt ?? 0)]);
  const counters = [(await state(used.peer)).counters, (await state(idle.peer)).counters];
  assert.deepEqual(counters.map((c) => [c.triggers, c.delivered]), [[1, 2], [1, 1]]);
}

before(async () => {
  stack = await startDurableStack(tmp.dir, { followTarget: true });
  gate = new GateClient(stack.bridge(), new KeyedChain(), { channel: CHANNEL, taskQueue: WORKFLOW_TASK_QUEUE });
  downBridge = stack.bridge({ start: false });
  downPeer = newPeer();
});

after(async () => {
  await stack?.close();
  tmp.cleanup();
});

// The tests run in order and share one server and worker; the last three form one story (Temporal down, then back).
describe('lorene-gate durability (real server, worker process, bridge)', () => {
  test('kill -9 the worker while a peer is armed: the arm keeps its remaining uses and still expires at its original time', async (t) => {
    await armsSurvive(t, async () => {
      const how = await stack.killWorker();
      assert.equal(how, 'SIGKILL');
      t.diagnostic(`worker back and polling after ${await stack.startWorker()} ms`);
    });
  });

  test('a trigger delivered twice (same message id) across a worker restart is counted once', async (t) => {
    const peer = newPeer();
    const longArm = cfg({ armTtlMs: 600_000 });
    await trigger(peer, 'dup-1', longArm);
    assert.equal((await state(peer)).counters.triggers, 1);
    await stack.killWorker();
    await trigger(peer, 'dup-1', longArm); // accepted by the server while no worker runs
    t.diagnostic(`worker back and polling after ${await stack.startWorker()} ms`);
    const s = await state(peer);
    assert.deepEqual([s.counters.triggers, s.counters.duplicates, s.pending.length, s.arm?.usesLeft], [1, 1, 1, 3]);
    // The kill may catch the first ledger write in flight: it is retried after its 30 s start-to-close timeout.
    const restarted = Date.now();
    await eventually('request row', () => (ledger('SELECT 1 FROM requests WHERE peer = ?', peer).length === 1 ? true : undefined), 60_000);
    t.diagnostic(`ledger request row present ${Date.now() - restarted} ms after the restart`);
    assert.equal(ledger('SELECT 1 FROM seen_messages WHERE peer = ?', peer).length, 1);
  });

  test('restart the Temporal server on the same data: the arm keeps its remaining uses and still expires at its original time', async (t) => {
    await armsSurvive(t, async () => {
      await stack.stopServer();
      await stack.startServer();
      t.diagnostic('Temporal server restarted on the same data and port');
      await stack.workerPollingAgain(t);
    });
  });

  test(`${CYCLES} trigger/reply cycles on one peer: the run continues as new, its history stays bounded, no state lost`, async (t) => {
    const peer = newPeer();
    const started = Date.now();
    for (let i = 1; i <= CYCLES; i += 1) {
      await trigger(peer, `cycle-${i}`);
      const d = await decide(peer);
      assert.deepEqual([d.action, d.requestId], ['deliver', `${CHANNEL}:cycle-${i}`], `cycle ${i}`);
    }
    const elapsed = Date.now() - started;
    t.diagnostic(`${CYCLES} cycles in ${elapsed} ms: ${((CYCLES * 1000) / elapsed).toFixed(1)} cycles/s`);

    const s = await state(peer);
    assert.deepEqual([s.counters.triggers, s.counters.delivered, s.counters.duplicates, s.counters.blocked], [CYCLES, CYCLES, 0, 0]);
    const runs: { status: string; historyLength: number }[] = [];
    for await (const run of stack.client.workflow.list({ query: `WorkflowId = "${gateWorkflowId(CHANNEL, peer)}"` })) runs.push({ status: run.status.name, historyLength: run.historyLength });
    const current = await handle(peer).describe();
    const longest = Math.max(...runs.map((r) => r.historyLength));
    t.diagnostic(`${runs.length} runs (history lengths ${runs.map((r) => r.historyLength).join(', ')}); current run ${current.historyLength} events`);
    assert.ok(runs.filter((r) => r.status === 'CONTINUED_AS_NEW').length >= 1, 'the gate continued as new');
    assert.ok(longest < 2000 + 300, `every run's history stays bounded (longest ${longest} events)`);

    const rows = await eventually('the ledger has every request and response', () => {
      const [r] = ledger<{ requests: number; responded: number; texts: number }>(
        `SELECT (SELECT COUNT(*) FROM requests WHERE peer = @peer) AS requests,
                (SELECT COUNT(*) FROM requests WHERE peer = @peer AND status = 'responded') AS responded,
                (SELECT COUNT(*) FROM responses WHERE peer = @peer AND kind = 'text') AS texts`, { peer });
      return r?.responded === CYCLES && r.texts === CYCLES ? r : undefined;
    }, 60_000);
    assert.deepEqual(rows, { requests: CYCLES, responded: CYCLES, texts: CYCLES });
  });

  test('Temporal stopped: a message to a protected peer is cancelled within decisionTimeoutMs; unprotected peers are unaffected; nothing throws', async (t) => {
    const config = parseGateConfig({ protectedTo: [downPeer] });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await trigger(downPeer, 'before-stop', downCfg()); // armed, and the connected bridge has talked to the server
      await stack.stopServer();
      downBridge.start(); // a gateway that starts while Temporal is down
      const clients = [['connected bridge', gate], ['fresh bridge', new GateClient(downBridge, new KeyedChain(), { channel: CHANNEL, taskQueue: WORKFLOW_TASK_QUEUE })]] as const;
      for (const [label, gateClient] of clients) {
        const t0 = Date.now();
        const error = await gateClient.decide(downPeer, { decisionId: `down-${label}`, content: 'unsent', config: downCfg() }, t0 + config.decisionTimeoutMs).then(
          () => assert.fail('a decision without Temporal must not resolve'),
          (err: unknown) => err,
        );
        const elapsed = Date.now() - t0;
        t.diagnostic(`${label}: ${error instanceof TemporalCallError ? error.kind : String(error)} after ${elapsed} ms (decisionTimeoutMs ${config.decisionTimeoutMs})`);
        assert.ok(error instanceof TemporalCallError, `a TemporalCallError, got ${String(error)}`);
        assert.ok(elapsed < config.decisionTimeoutMs + 2000, `answered within decisionTimeoutMs (${elapsed} ms)`);
      }
      const ctx = { channelId: CHANNEL };
      assert.deepEqual(classifyOutbound(config, { to: '+15559999', content: 'hello' }, ctx), { kind: 'pass', content: null });
      assert.equal(classifyOutbound(config, { to: downPeer, content: 'hello' }, ctx).kind, 'decide');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(unhandled, []);
    } finally {
      process.removeListener('unhandledRejection', onUnhandled);
    }
  });

  test('stopping the plugin service while Temporal is down throws nothing into the gateway', async (t) => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const stopping = new TemporalBridge({ address: stack.address, namespace: 'default' });
      stopping.start();
      const stoppingGate = new GateClient(stopping, new KeyedChain(), { channel: CHANNEL, taskQueue: WORKFLOW_TASK_QUEUE });
      await assert.rejects(stoppingGate.decide(newPeer(), { decisionId: 'down-stop', content: 'unsent', config: cfg() }, Date.now() + 1000), TemporalCallError);
      await stopping.stop(); // the gateway shuts down, or retires the plugin
      await new Promise((r) => setTimeout(r, 3000)); // the SDK's gRPC retries of the abandoned call fire within this
      t.diagnostic(`uncaught after stop: ${uncaught.map(String).join('; ') || 'none'}`);
      assert.deepEqual(uncaught.map(String), []);
    } finally {
      process.removeListener('uncaughtException', onUncaught);
    }
  });

  test('Temporal back: a decision that timed out (message cancelled) does not consume a use later', async (t) => {
    const until = Date.now() + 20_000; // the SDK retries an unavailable call ~10 times over ~20 s
    if (!stack.serverRunning) await stack.startServer(); // stopped by the test above
    await stack.workerPollingAgain(t);
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())));
    const s = await state(downPeer);
    t.diagnostic(`after Temporal came back: delivered ${s.counters.delivered}, uses left ${s.arm?.usesLeft ?? 'no arm'}`);
    const texts = ledger<{ event_id: string }>("SELECT event_id FROM responses WHERE peer = ? AND kind = 'text'", downPeer);
    assert.deepEqual([s.counters.delivered, s.arm?.usesLeft, texts.map((r) => r.event_id)], [0, 3, []], 'cancelled messages were not counted as delivered');
  });
});
