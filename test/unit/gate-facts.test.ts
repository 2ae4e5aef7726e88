/**
 * The gate bridge's ordering and outbox pieces against real outbox files. Temporal is the one stand-in here: a
 * `deliver` function the test switches between answering and failing as the bridge does (a TemporalCallError).
 * The real paths are covered by test/openclaw/lorene-gate-outage.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FACT_SHAPE, FactsPendingError, GateFacts, type GateFact } from '../../plugin-bridge/lorene-gate/facts.ts';
import { passKeyOf, PayloadPasses } from '../../plugin-bridge/lorene-gate/payload-gate.ts';
import { createBridgeLogger } from '../../plugin-bridge/shared/bridge-logger.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { ChainDeadlineError, KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { Outbox } from '../../plugin-bridge/shared/outbox.ts';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { eventually } from '../helpers/temporal.ts';

const root = mkdtempSync(join(tmpdir(), 'gate-facts-'));
after(() => rmSync(root, { recursive: true, force: true }));
const CONFIG: GateRuntimeConfig = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: '/srv/gate.db' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = createBridgeLogger({ debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }, { plugin: 'lorene-gate' }, false);
const trigger = (peer: string, messageId: string): GateFact => ({
  kind: 'trigger',
  peer,
  trigger: { messageId, sender: '+1555', text: 'friday: hi', body: 'hi', receivedAt: 1, observedAt: 1, config: CONFIG },
});

function harness(dir: string) {
  const temporal = { up: false, delivered: [] as GateFact[] };
  const deliver = async (fact: GateFact) => {
    await sleep(5);
    if (!temporal.up) throw new TemporalCallError('lorene-gate.trigger', 'unavailable', 'connection refused');
    temporal.delivered.push(fact);
  };
  const facts = new GateFacts(deliver, quiet, { sendTimeoutMs: 1000, retryIntervalMs: 50 });
  const outbox = new Outbox(join(dir, 'lorene-gate', 'outbox.jsonl'), 1024 * 1024, FACT_SHAPE);
  return { temporal, facts, outbox };
}

describe('KeyedChain.runBy', () => {
  test('a task queued behind a hanging one is given up at its deadline and never started; later tasks keep the order', async () => {
    const chain = new KeyedChain();
    let release = () => undefined as void;
    const hanging = chain.run('peer', () => new Promise<void>((resolve) => (release = resolve)));
    let started = false;
    const queued = chain.runBy('peer', Date.now() + 50, async () => {
      started = true;
    });
    await assert.rejects(queued, (err: unknown) => err instanceof ChainDeadlineError && err.queued);
    const order: string[] = [];
    const later = chain.runBy('peer', Date.now() + 5000, async () => void order.push('later'));
    release();
    await hanging;
    await later;
    assert.equal(started, false, 'the given-up task never ran');
    assert.deepEqual(order, ['later']);
  });
});

describe('GateFacts', () => {
  test('facts wait on disk while Temporal is down, then go in order, once; a decision waits for its peer’s facts, bounded', async () => {
    const dir = mkdtempSync(join(root, 'order-'));
    const { temporal, facts, outbox } = harness(dir);
    await facts.start(outbox);
    await facts.record(trigger('+49a', 't1'));
    await facts.record({ kind: 'seen', dbPath: '/srv/gate.db', row: { op: 'seen', channel: 'whatsapp', messageId: 's1', sender: '+1', peer: '+2', at: 1 } });
    await facts.record(trigger('+49a', 't2'));
    await assert.rejects(facts.afterFactsOf('+49a', Date.now() + 100), FactsPendingError);
    await facts.afterFactsOf('+49other', Date.now() + 100); // nothing pending for another peer
    temporal.up = true;
    await facts.afterFactsOf('+49a', Date.now() + 5000);
    assert.deepEqual(temporal.delivered.map((f) => (f.kind === 'trigger' ? f.trigger.messageId : f.kind)), ['t1', 'seen', 't2']);
    await eventually('outbox removed', () => (outbox.isEmpty ? true : undefined));
    await facts.stop();
  });

  test('a restart delivers the facts of the earlier run first; decisions wait for them', async () => {
    const dir = mkdtempSync(join(root, 'restart-'));
    const first = harness(dir);
    await first.facts.start(first.outbox);
    await first.facts.record(trigger('+49b', 'before-restart'));
    await first.facts.stop();
    const second = harness(dir);
    await second.facts.start(second.outbox);
    await assert.rejects(second.facts.afterFactsOf('+49b', Date.now() + 100), FactsPendingError, 'earlier run first');
    second.temporal.up = true;
    await second.facts.afterFactsOf('+49b', Date.now() + 5000);
    assert.deepEqual(second.temporal.delivered.map((f) => f.kind === 'trigger' && f.trigger.messageId), ['before-restart']);
    await second.facts.stop();
  });
});

describe('PayloadPasses', () => {
  test('a pass is taken once, for the same peer and media only', () => {
    const passes = new PayloadPasses();
    const key = passKeyOf('+49a', ['https://m/1.jpg']);
    passes.grant(key, 1000);
    assert.equal(passes.take(passKeyOf('+49a', ['https://m/2.jpg']), 1001), false);
    assert.equal(passes.take(key, 1001), true);
    assert.equal(passes.take(key, 1002), false, 'once');
    passes.grant(key, 1000);
    assert.equal(passes.take(key, 1000 + 60_000), false, 'expired');
  });
});
