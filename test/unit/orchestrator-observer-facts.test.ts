/**
 * The orchestrator's observer facts against real outbox files (observer-facts.ts). Temporal is the one stand-in: a
 * send function the test switches between answering and failing as the bridge does (a TemporalCallError), with the
 * thread chain's turn asked as ThreadClient asks it. The real paths: test/openclaw/orchestrator-outbox.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { factKey, OBSERVER_FACT_SHAPE, type ObserverFact, type SendFact } from '../../plugin-bridge/orchestrator/observer-fact.ts';
import { FactDivertedError } from '../../plugin-bridge/orchestrator/send-turn.ts';
import { ObserverFacts } from '../../plugin-bridge/orchestrator/observer-facts.ts';
import { createBridgeLogger } from '../../plugin-bridge/shared/bridge-logger.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { Outbox } from '../../plugin-bridge/shared/outbox.ts';
import { eventually } from '../helpers/temporal.ts';

const root = mkdtempSync(join(tmpdir(), 'orchestrator-facts-'));
after(() => rmSync(root, { recursive: true, force: true }));
const quiet = createBridgeLogger({ debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }, { plugin: 'orchestrator' }, false);
const ended = (frontKey: string, child: string): ObserverFact => ({ kind: 'subagent-ended', frontKey, signal: { eventId: `ended:${child}`, targetSessionKey: child, targetKind: 'subagent', outcome: 'error' } });
const idOf = (fact: ObserverFact) => (fact.kind === 'subagent-ended' ? fact.signal.eventId : fact.kind);

function harness(name: string) {
  const temporal = { mode: 'up' as 'up' | 'down' | 'refusing', delivered: [] as string[], attempts: [] as string[], hang: null as Promise<void> | null };
  const chain = new KeyedChain(); // one per thread, as ThreadClient queues a thread's signals
  const send: SendFact = (fact, _deadline, turn) => chain.run(factKey(fact), async () => {
    if (turn?.go() === false) throw new FactDivertedError('diverted');
    try {
      temporal.attempts.push(idOf(fact));
      if (temporal.hang !== null) await temporal.hang;
      if (temporal.mode === 'down') throw new TemporalCallError('orchestrator.subagent-ended', 'unavailable', 'connection refused');
      if (temporal.mode === 'refusing' && idOf(fact).includes('huge')) throw new TemporalCallError('orchestrator.subagent-ended', 'rejected', 'Failed to signal Workflow (3 INVALID_ARGUMENT: Blob data size exceeds limit.)');
      temporal.delivered.push(idOf(fact));
      return { kind: 'ok', value: undefined };
    } catch (err) {
      turn?.failed();
      throw err;
    }
  });
  const facts = new ObserverFacts(send, quiet, { sendTimeoutMs: 1000, retryIntervalMs: 50, delivered: () => undefined });
  const dir = join(root, name);
  return { temporal, facts, outbox: new Outbox(join(dir, 'outbox.jsonl'), 1024 * 1024, OBSERVER_FACT_SHAPE), deadFacts: join(dir, 'dead-facts.jsonl') };
}

test('a fact that fails is kept; the facts after it follow it into the outbox, even one sent while it was in flight; all delivered in order', async () => {
  const h = harness('order');
  await h.facts.start(h.outbox, h.deadFacts);
  let release = () => undefined as void;
  h.temporal.hang = new Promise<void>((resolve) => (release = resolve));
  h.temporal.mode = 'down';
  const first = h.facts.signal(ended('front-a', 'w1'), Date.now() + 1000); // in flight
  const second = h.facts.signal(ended('front-a', 'w2'), Date.now() + 1000); // queued behind the first, in flight
  release();
  h.temporal.hang = null;
  assert.deepEqual([(await first).kind, (await second).kind], ['kept', 'kept']);
  assert.deepEqual(h.temporal.attempts, ['ended:w1'], 'the second was diverted at its turn, never sent after the first failed');
  const kept = readFileSync(h.outbox.path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { fact: ObserverFact }).fact);
  assert.deepEqual(kept.map(idOf), ['ended:w1', 'ended:w2']);
  assert.equal((await h.facts.signal(ended('front-b', 'w3'), Date.now() + 1000)).kind, 'kept', 'another thread’s fact waits behind them too');
  await assert.rejects(h.facts.afterKeptFacts('front-a', Date.now() + 50), (err: unknown) => err instanceof TemporalCallError && err.kind === 'timeout');
  await h.facts.afterKeptFacts('front-c', Date.now() + 50); // nothing kept for it
  h.temporal.mode = 'up';
  await h.facts.afterKeptFacts('front-a', Date.now() + 5000);
  assert.deepEqual(h.temporal.delivered.slice(0, 2), ['ended:w1', 'ended:w2'], 'a decision for front-a waits until its kept facts are delivered');
  await eventually('all delivered', async () => (existsSync(h.outbox.path) ? undefined : true));
  assert.deepEqual(h.temporal.delivered, ['ended:w1', 'ended:w2', 'ended:w3']);
  assert.deepEqual(await h.facts.signal(ended('front-a', 'w4'), Date.now() + 1000), { kind: 'ok', value: undefined }, 'sent at once again');
  await h.facts.stop();
});

test('kept facts survive a restart and go first; a fact Temporal refuses 5 times is dead-lettered and the next one delivered', async () => {
  const h = harness('restart');
  await h.facts.start(h.outbox, h.deadFacts);
  h.temporal.mode = 'down';
  await h.facts.signal(ended('front-a', 'huge'), Date.now() + 100);
  await h.facts.signal(ended('front-a', 'w5'), Date.now() + 100);
  await h.facts.stop();
  const next = harness('restart');
  next.temporal.mode = 'refusing';
  await next.facts.start(next.outbox, next.deadFacts);
  await assert.rejects(next.facts.afterKeptFacts('front-z', Date.now() + 50), 'an earlier run’s facts hold every thread’s decisions');
  await eventually('the fact behind the refused one delivered', async () => (next.temporal.delivered.includes('ended:w5') ? true : undefined), 10_000);
  const dead = readFileSync(next.deadFacts, 'utf8').trim().split('\n');
  assert.equal(dead.length, 1);
  assert.match(dead[0] ?? '', /"eventId":"ended:huge".*INVALID_ARGUMENT/);
  await next.facts.afterKeptFacts('front-z', Date.now() + 1000);
  await next.facts.stop();
});
