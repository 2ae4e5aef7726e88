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
import { FACT_SHAPE, FactsPendingError, GateFacts, MAX_SEEN_PER_SIGNAL, type GateFact, type OutgoingFact } from '../../plugin-bridge/lorene-gate/facts.ts';
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
  const temporal = { up: false, delivered: [] as OutgoingFact[] };
  const deliver = async (fact: OutgoingFact) => {
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
    assert.deepEqual(temporal.delivered.map((f) => (f.kind === 'trigger' ? f.trigger.messageId : f.kind)), ['t1', 'seen-batch', 't2']);
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

describe('GateFacts: seen facts in batches', () => {
  const seen = (messageId: string, dbPath = '/srv/gate.db', gatewayId?: string): GateFact => ({ kind: 'seen', dbPath, ...(gatewayId !== undefined && { gatewayId }), row: { op: 'seen', channel: 'whatsapp', messageId, sender: '+1', peer: '+2', at: 1 } });
  const ids = (f: OutgoingFact) => (f.kind === 'seen-batch' ? f.rows.map((r) => r.messageId) : f.kind === 'trigger' ? [f.trigger.messageId] : [f.kind]);

  test('seen facts waiting together go as one delivery per MAX_SEEN_PER_SIGNAL rows, in order, each once; a trigger or another ledger (file or host) ends a batch', async () => {
    const dir = mkdtempSync(join(root, 'batch-'));
    const { temporal, facts, outbox } = harness(dir);
    await facts.start(outbox);
    const n = 2 * MAX_SEEN_PER_SIGNAL + 50;
    for (let i = 0; i < n; i += 1) await facts.record(seen(`s${i}`));
    await facts.record(trigger('+49c', 't-mid'));
    await facts.record(seen('after-trigger'));
    await facts.record(seen('other-ledger', '/srv/other.db'));
    await facts.record(seen('east-1', '/srv/other.db', 'east'));
    await facts.record(seen('east-2', '/srv/other.db', 'east'));
    temporal.up = true;
    await eventually('all delivered', () => (outbox.isEmpty ? true : undefined));
    await facts.stop();
    const deliveries = temporal.delivered.map(ids);
    assert.deepEqual(deliveries.map((d) => d.length), [MAX_SEEN_PER_SIGNAL, MAX_SEEN_PER_SIGNAL, 50, 1, 1, 1, 2], 'ceil(n / batch) deliveries for the seen run');
    assert.deepEqual(deliveries.flat(), [...Array.from({ length: n }, (_, i) => `s${i}`), 't-mid', 'after-trigger', 'other-ledger', 'east-1', 'east-2'], 'in order, each once');
    const [other, east] = temporal.delivered.slice(-2);
    assert.ok(other?.kind === 'seen-batch' && other.dbPath === '/srv/other.db' && other.gatewayId === undefined);
    assert.ok(east?.kind === 'seen-batch' && east.dbPath === '/srv/other.db' && east.gatewayId === 'east', 'the same file on another host is another ledger');
  });

  test('a batch Temporal refuses is sent again one fact at a time: only the refused fact is set aside', async () => {
    const dir = mkdtempSync(join(root, 'refused-'));
    const delivered: string[] = [];
    const attempts: number[] = [];
    const deliver = async (fact: OutgoingFact) => {
      const rows = ids(fact);
      attempts.push(rows.length);
      if (rows.includes('poison')) throw new TemporalCallError('lorene-gate.seen', 'rejected', 'payload codec failed');
      delivered.push(...rows);
    };
    const facts = new GateFacts(deliver, quiet, { sendTimeoutMs: 1000, retryIntervalMs: 10 });
    const outbox = new Outbox(join(dir, 'lorene-gate', 'outbox.jsonl'), 1024 * 1024, FACT_SHAPE);
    await outbox.open();
    for (const [seq, id] of ['a', 'poison', 'b'].entries()) await outbox.append([{ run: 'earlier', seq: seq + 1, fact: seen(id) }]);
    await facts.start(outbox);
    await eventually('all handled', () => (outbox.isEmpty ? true : undefined));
    await facts.stop();
    assert.deepEqual(delivered, ['a', 'b'], 'the facts around the refused one are delivered, once');
    assert.equal(attempts[0], 3, 'first as one batch');
    assert.ok(attempts.slice(1).every((n) => n === 1), 'then one at a time');
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
