/**
 * A gate fact Temporal refuses (not: cannot be reached for) is not lost: after 5 refusals in a row it moves to
 * the dead-letter file beside the outbox, the facts behind it are delivered, and `ops status` counts it. Temporal
 * is the one stand-in here (a `deliver` that refuses one fact as the bridge reports it: a `rejected`
 * TemporalCallError); the outbox and the dead-letter file are real files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { countDeadFacts, gateDeadFactsPath } from '../../plugin-bridge/lorene-gate/dead-facts.ts';
import { FACT_SHAPE, GateFacts, type GateFact, type OutgoingFact } from '../../plugin-bridge/lorene-gate/facts.ts';
import { gateOutboxPath } from '../../plugin-bridge/lorene-gate/index.ts';
import { createBridgeLogger } from '../../plugin-bridge/shared/bridge-logger.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { Outbox } from '../../plugin-bridge/shared/outbox.ts';
import { formatStatus } from '../../scripts/ops/status.ts';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { eventually } from '../helpers/temporal.ts';

const root = mkdtempSync(join(tmpdir(), 'gate-dead-facts-'));
after(() => rmSync(root, { recursive: true, force: true }));
const CONFIG: GateRuntimeConfig = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: '/srv/gate.db' };
const trigger = (messageId: string): GateFact => ({
  kind: 'trigger',
  peer: '+49a',
  trigger: { messageId, sender: '+1555', text: 'friday: hi', body: 'hi', receivedAt: 1, observedAt: 1, factId: `f-${messageId}`, config: CONFIG },
});
const idOf = (fact: GateFact | OutgoingFact) => (fact.kind === 'trigger' ? fact.trigger.messageId : fact.kind);

test('a fact Temporal refuses 5 times goes to the dead-letter file; the facts behind it are delivered; ops status counts it', async () => {
  const stateDir = mkdtempSync(join(root, 'state-'));
  const errors: string[] = [];
  const log = createBridgeLogger({ debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => void errors.push(m) }, { plugin: 'lorene-gate' }, false);
  const attempts = new Map<string, number>();
  const delivered: string[] = [];
  const deliver = async (fact: OutgoingFact) => {
    attempts.set(idOf(fact), (attempts.get(idOf(fact)) ?? 0) + 1);
    if (idOf(fact) === 'poison') throw new TemporalCallError('lorene-gate.trigger', 'rejected', 'payload codec failed');
    delivered.push(idOf(fact));
  };
  const facts = new GateFacts(deliver, log, { sendTimeoutMs: 1000, retryIntervalMs: 20 });
  const outbox = new Outbox(gateOutboxPath(stateDir), 1024 * 1024, FACT_SHAPE);
  await facts.start(outbox);
  await facts.record(trigger('before'));
  await facts.record(trigger('poison'));
  await facts.record(trigger('behind'));
  await facts.afterFactsOf('+49a', Date.now() + 15_000);
  await facts.stop();

  assert.deepEqual(delivered, ['before', 'behind']);
  assert.equal(attempts.get('poison'), 5);
  const deadPath = gateDeadFactsPath(stateDir);
  assert.equal(await countDeadFacts(deadPath), 1);
  const dead = JSON.parse(readFileSync(deadPath, 'utf8').trim()) as { fact: GateFact; error: string; deadAt: number };
  assert.equal(idOf(dead.fact), 'poison');
  assert.match(dead.error, /rejected: payload codec failed/);
  assert.ok(FACT_SHAPE.isEntry(dead), 'a dead-lettered line is an outbox line: appended to outbox.jsonl it is delivered again');
  await eventually('outbox removed', () => (outbox.isEmpty ? true : undefined));
  assert.ok(errors.some((m) => /moved to the dead-letter file/.test(m)), errors.join('\n'));

  const status = formatStatus({ plugins: [], gates: [], deadFacts: { path: deadPath, count: 1 }, outboxes: [], threads: [], retries: [], retriesWaiting: 0, workers: [] }, 'test');
  assert.match(status, new RegExp(`gate facts Temporal refused \\(dead-lettered on this host\\): 1 in ${deadPath.replaceAll('/', '\\/')}`));
  assert.equal(await countDeadFacts(join(stateDir, 'nothing-here.jsonl')), 0);
});
