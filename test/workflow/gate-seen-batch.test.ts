/**
 * Seen facts in batches (issue 14), on a real dev server with the real outbox and the real GateClient: N inbound
 * messages recorded while Temporal cannot be reached wait in the outbox; once it can, they reach the channel's
 * seen-messages workflow as at most ceil(N / MAX_SEEN_PER_SIGNAL) signals, and every row is written once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FACT_SHAPE, GateFacts, MAX_SEEN_PER_SIGNAL, type OutgoingFact } from '../../plugin-bridge/lorene-gate/facts.ts';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { createBridgeLogger } from '../../plugin-bridge/shared/bridge-logger.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { Outbox } from '../../plugin-bridge/shared/outbox.ts';
import { seenLedgerWorkflowId } from '../../workflows/gate/contract.ts';
import { withBridgeStack } from '../helpers/bridge-stack.ts';
import { readValue } from '../helpers/sqlite.ts';
import { eventually } from '../helpers/temporal.ts';

const CHANNEL = 'signal';
const N = 250;
const SIGNALED = 26; // EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
const stack = withBridgeStack('gate-seen-batch');
const quiet = createBridgeLogger({ debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }, { plugin: 'lorene-gate' }, false);

describe('seen facts in batches (real dev server)', () => {
  test(`${N} seen facts from the outbox arrive as at most ceil(N / batch) signals; every row written once`, async () => {
    const dbPath = join(stack.dir, 'lorene-gate.db');
    const outboxPath = join(stack.dir, 'state', 'lorene-gate', 'outbox.jsonl');
    const gate = new GateClient(stack.bridge, new KeyedChain(), { channel: CHANNEL, taskQueue: 'openclaw-temporal' });
    const toTemporal = (fact: OutgoingFact, deadline: number): Promise<void> => {
      if (fact.kind !== 'seen-batch') throw new Error(`only seen facts here, not ${fact.kind}`);
      return gate.seen(fact.rows, fact.dbPath, deadline);
    };
    // Temporal out of reach while the messages come in: they wait in the outbox.
    const down = new GateFacts(() => Promise.reject(new TemporalCallError('lorene-gate.seen', 'unavailable', 'connection refused')), quiet, { sendTimeoutMs: 1000, retryIntervalMs: 50 });
    await down.start(new Outbox(outboxPath, 8 * 1024 * 1024, FACT_SHAPE));
    for (let i = 0; i < N; i += 1) await down.record({ kind: 'seen', dbPath, row: { op: 'seen', channel: CHANNEL, messageId: `in-${i}`, sender: '+15550002', peer: `+1555000${i % 7}`, at: Date.now() } });
    await down.stop();

    const up = new GateFacts(toTemporal, quiet, { sendTimeoutMs: 10_000, retryIntervalMs: 50 });
    const outbox = new Outbox(outboxPath, 8 * 1024 * 1024, FACT_SHAPE);
    await up.start(outbox);
    await eventually('the outbox is delivered', () => (outbox.isEmpty ? true : undefined), 60_000);
    // A second delivery of the same rows (at least once): written once all the same.
    await gate.seen([{ op: 'seen', channel: CHANNEL, messageId: 'in-0', sender: '+15550002', peer: '+15550000', at: Date.now() }], dbPath, Date.now() + 10_000);
    await eventually('every row written', () => (readValue<number>(dbPath, 'SELECT COUNT(*) FROM seen_messages WHERE channel = ?', CHANNEL) === N ? true : undefined), 60_000);
    await up.stop();

    assert.equal(readValue<number>(dbPath, 'SELECT COUNT(DISTINCT message_id) FROM seen_messages WHERE channel = ?', CHANNEL), N);
    let signals = 0;
    for await (const run of stack.env.client.workflow.list({ query: `WorkflowId = '${seenLedgerWorkflowId(CHANNEL)}'` })) {
      const history = await stack.env.client.workflow.getHandle(seenLedgerWorkflowId(CHANNEL), run.runId).fetchHistory();
      signals += (history.events ?? []).filter((e) => Number(e.eventType) === SIGNALED).length;
    }
    assert.ok(signals <= Math.ceil(N / MAX_SEEN_PER_SIGNAL) + 1, `${signals} signals for ${N} rows and one repeat (batch ${MAX_SEEN_PER_SIGNAL})`);
  });
});
