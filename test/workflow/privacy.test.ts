/**
 * Private by default: a unique secret goes through every path that carries personal text — a gate trigger, a
 * gate reply, a usage record with prompt and answer, a subagent retry text — with the clients and workers the
 * project creates. Read back from the server without the codec, the secret appears in no history; decoded
 * with the codec (as the codec server does for the Web UI), it is there.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { UsageLedgerClient } from '../../plugin-bridge/usage-ledger/ledger-client.ts';
import { gatewayTaskQueue, subagentTaskWorkflowId, taskEndedSignal, taskSpawnedSignal, type RetryConfig } from '../../workflows/subagent/contract.ts';
import { usageLedgerStateQuery, usageLedgerWorkflowId } from '../../workflows/usage/contract.ts';
import { gateStateQuery, gateWorkflowId } from '../../workflows/gate/contract.ts';
import type { NextTurnInjection, NextTurnInjectionResult } from '../../activities/gateway-host.ts';
import { recordingGateway, RecordingSystemRuntime } from '../helpers/gateway.ts';
import { readRows } from '../helpers/sqlite.ts';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { ENCRYPTED_ENCODING } from '../../plugin-bridge/shared/codec/encryption-codec.ts';
import { allRuns, decodedPayloadTexts, decodedTexts, payloadsIn, rawClient, rawHistoryBytes } from '../helpers/raw-history.ts';
import { eventually } from '../helpers/temporal.ts';
import { withBridgeStack } from '../helpers/bridge-stack.ts';

const stack = withBridgeStack('privacy');
const SECRET = `secret-${randomUUID()}`;
const soon = () => Date.now() + 10_000;


const GATE_PEER = '+4917099990001';
const GATE_DB = join(stack.dir, 'gate.db');

async function playGate(): Promise<void> {
  const gate = new GateClient(stack.bridge, new KeyedChain(), { channel: 'whatsapp', taskQueue: 'openclaw-temporal' });
  const config = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: GATE_DB };
  const body = `${SECRET} trigger`;
  await gate.trigger(GATE_PEER, { messageId: 'privacy-1', sender: '+15550001', text: `friday: ${body}`, body, receivedAt: Date.now(), config }, soon());
  const decision = await gate.decide(GATE_PEER, { decisionId: 'privacy-d1', content: `${SECRET} reply`, config }, soon());
  assert.equal(decision.action, 'deliver');
  // The ledger row is written after the decision: wait for it, so the ledger activity is in the history too.
  const handle = stack.env.client.workflow.getHandle(gateWorkflowId('whatsapp', GATE_PEER));
  await eventually('gate ledger written', async () => ((await handle.query(gateStateQuery)).ledger.length === 0 ? true : undefined), 30_000);
}

async function playUsage(): Promise<void> {
  const usage = new UsageLedgerClient(stack.bridge, { taskQueue: 'openclaw-temporal' });
  const record = extractUsage(
    { runId: 'privacy-run', provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 10, output: 5 }, prompt: `${SECRET} prompt`, assistantTexts: [`${SECRET} answer`] },
    'llm_output',
    { eventId: 'privacy-usage-1', now: Date.now() },
  );
  assert.ok(record !== null && record.rawJson.includes(`${SECRET} prompt`) && record.rawJson.includes(`${SECRET} answer`), 'the record carries prompt and answer');
  await usage.send('privacy', { dbPath: join(stack.dir, 'usage.db'), records: [record] }, soon());
  const handle = stack.env.client.workflow.getHandle(usageLedgerWorkflowId('privacy'));
  await eventually('usage record written', async () => ((await handle.query(usageLedgerStateQuery)).counters.written === 1 ? true : undefined), 30_000);
}

/** A usage ledger whose file cannot be created at first (a file sits where its folder goes): the error names the path. */
async function playFailingUsage(): Promise<void> {
  const blocker = join(stack.dir, `${SECRET} folder`);
  writeFileSync(blocker, 'not a folder');
  const usage = new UsageLedgerClient(stack.bridge, { taskQueue: 'openclaw-temporal' });
  const record = extractUsage({ runId: 'failing-run', provider: 'anthropic', model: 'm', usage: { input: 1, output: 1 } }, 'llm_output', { eventId: 'privacy-failing-1', now: Date.now() });
  assert.ok(record !== null);
  await usage.send('privacy-failing', { dbPath: join(blocker, 'usage.db'), records: [record] }, soon());
  const handle = stack.env.client.workflow.getHandle(usageLedgerWorkflowId('privacy-failing'));
  await eventually('a failed ledger attempt', async () => ((await handle.describe()).raw.pendingActivities?.[0]?.attempt ?? 0) >= 2 || undefined, 30_000);
  rmSync(blocker);
  await eventually('usage record written after the failure', async () => ((await handle.query(usageLedgerStateQuery)).counters.written === 1 ? true : undefined), 30_000);
}

/** OpenClaw's queue throws once, with personal text in its message (the gateway worker's activity fails, then succeeds). */
class FailingOnceRuntime extends RecordingSystemRuntime {
  #failed = false;
  override async enqueueNextTurnInjection(injection: NextTurnInjection): Promise<NextTurnInjectionResult> {
    if (!this.#failed) {
      this.#failed = true;
      throw new Error(`queue full while storing ${SECRET} gateway failure`);
    }
    return super.enqueueNextTurnInjection(injection);
  }
}

async function playRetry(): Promise<void> {
  const gw = recordingGateway(stack.env.address, 'gw-privacy', new FailingOnceRuntime());
  gw.worker.start();
  try {
    const config: RetryConfig = {
      autoRetryFailedSubagents: true, maxRetriesPerTask: 1, retryOutcomes: ['error'], backoff: { initialMs: 0, multiplier: 2, maxMs: 1000 },
      pickupTimeoutMs: 30_000, notifyRequesterOnExhausted: false, gatewayTaskQueue: gatewayTaskQueue('gw-privacy'),
    };
    const child = 'agent:main:subagent:privacy-1';
    const handle = await stack.env.client.workflow.signalWithStart('subagentTaskWorkflow', {
      workflowId: subagentTaskWorkflowId('privacy-task'),
      taskQueue: 'openclaw-temporal',
      args: [{ taskKey: 'privacy-task', requester: 'agent:main:main', spec: { task: `${SECRET} task`, label: 'privacy', agentId: 'main', thread: false } }],
      signal: taskSpawnedSignal,
      signalArgs: [{ eventId: `spawned:${child}`, childKey: child, config }],
    });
    await handle.signal(taskEndedSignal, { eventId: `ended:${child}`, childKey: child, outcome: 'error', config });
    // The gateway worker decoded the retry text with the same keys: the secret reached OpenClaw intact.
    const event = await eventually('retry event', () => gw.system.events[0]);
    assert.ok(event.text.includes(`${SECRET} task`));
  } finally {
    await gw.worker.stop();
  }
}

describe('nothing personal in plain text (real dev server, codec from the environment)', () => {
  const [codec] = payloadDataConverter().payloadCodecs ?? [];
  before(async () => {
    await playGate();
    await playUsage();
    await playFailingUsage();
    await playRetry();
  });

  test('the secret of a trigger, a reply, a usage record, a retry text and failure messages is in no raw history, and decodes with the codec', async () => {
    const raw = rawClient(stack.env.connection);
    const expected = [gateWorkflowId('whatsapp', GATE_PEER), usageLedgerWorkflowId('privacy'), subagentTaskWorkflowId('privacy-task'), `${subagentTaskWorkflowId('privacy-task')}/retry-1`];
    const runs = await eventually('every run listed', async () => {
      const listed = await allRuns(raw);
      return expected.every((id) => listed.some((r) => r.workflowId === id)) ? listed : undefined;
    });
    for (const run of runs) {
      const bytes = await rawHistoryBytes(raw, run);
      assert.ok(!bytes.includes(SECRET), `${run.workflowId} stores the secret in plain text`);
    }
    assert.ok(codec !== undefined, 'the tests run with the codec on');
    let decoded = '';
    for (const run of runs) decoded += await decodedTexts(raw, run, codec);
    for (const path of ['trigger', 'reply', 'prompt', 'answer', 'task']) assert.ok(decoded.includes(`${SECRET} ${path}`), `the ${path} decodes with the codec`);
    // Failure messages and stack traces travel as encoded attributes: the ledger worker's activity failure (the
    // path in its error) and the gateway worker's (the bridge side) are encrypted, and decode with the codec.
    for (const failure of [`${SECRET} folder`, `${SECRET} gateway failure`]) assert.ok(decoded.includes(failure), `the failure "${failure}" decodes with the codec`);
  });

  test('each personal text is recorded once: in the signal or update that brought it, not again in the ledger activity input', async () => {
    assert.ok(codec !== undefined, 'the tests run with the codec on');
    const raw = rawClient(stack.env.connection);
    const count = async (workflowId: string, text: string) => (await decodedPayloadTexts(raw, { workflowId }, codec)).filter((t) => t.includes(text)).length;
    const gate = gateWorkflowId('whatsapp', GATE_PEER);
    assert.equal(await count(gate, `${SECRET} reply`), 1, 'the reply is in the decision update only');
    assert.equal(await count(gate, `${SECRET} trigger`), 1, 'the trigger text and body are in the trigger signal only');
    assert.equal(await count(usageLedgerWorkflowId('privacy'), `${SECRET} prompt`), 1, 'the raw usage JSON is in the records update only');
    // ...and the ledger activities still wrote them, reading them from the workflow by query.
    const responses = readRows<{ content: string }>(GATE_DB, 'SELECT content FROM responses');
    assert.deepEqual(responses.map((r) => r.content), [`${SECRET} reply`]);
    const requests = readRows<{ body: string }>(GATE_DB, 'SELECT body FROM requests');
    assert.deepEqual(requests.map((r) => r.body), [`${SECRET} trigger`]);
    const usage = readRows<{ raw_json: string }>(join(stack.dir, 'usage.db'), 'SELECT raw_json FROM llm_usage_events');
    assert.ok(usage.length === 1 && usage[0]?.raw_json.includes(`${SECRET} answer`));
  });
});

test('without a key the bridge fails closed: the gate gets an error naming the key file, nothing reaches the server', async () => {
  const missing = join(stack.dir, 'no-such-keys.json');
  const keyless = new TemporalBridge({ address: stack.env.address, namespace: 'default', payloadKeyFile: missing });
  keyless.start();
  try {
    const gate = new GateClient(keyless, new KeyedChain(), { channel: 'whatsapp', taskQueue: 'openclaw-temporal' });
    const config = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: join(stack.dir, 'gate.db') };
    const peer = '+4917099990003';
    const failed = await gate.decide(peer, { decisionId: 'keyless-1', content: `${SECRET} unsent`, config }, soon()).then(
      () => null,
      (err: unknown) => err,
    );
    assert.ok(failed instanceof TemporalCallError && failed.message.includes(missing), `a TemporalCallError naming the key file, got ${String(failed)}`);
    const usage = new UsageLedgerClient(keyless, { taskQueue: 'openclaw-temporal' });
    const record = extractUsage({ runId: 'keyless-run', provider: 'anthropic', model: 'm', usage: { input: 1, output: 1 }, prompt: SECRET }, 'llm_output', { eventId: 'keyless-1', now: Date.now() });
    assert.ok(record !== null);
    await assert.rejects(usage.send('keyless', { dbPath: join(stack.dir, 'usage.db'), records: [record] }, soon()), (err: unknown) => err instanceof TemporalCallError && err.message.includes('no payload key'));
    const listed = await allRuns(rawClient(stack.env.connection));
    assert.ok(!listed.some((r) => r.workflowId.includes(peer) || r.workflowId === usageLedgerWorkflowId('keyless')), 'no workflow was started without encryption');
  } finally {
    await keyless.stop();
  }
});

test('the history recorded with the codec (test/histories/privacy-gate-encrypted.json) is plain only where the server must read', () => {
  const history = historyFromJSON(JSON.parse(readFileSync(new URL('../histories/privacy-gate-encrypted.json', import.meta.url), 'utf8')));
  const plain = (history.events ?? []).flatMap((event) => {
    // Search attributes (the server indexes them) and the SDK's patch markers are not payloads our code writes.
    const { searchAttributes: _started, ...started } = event.workflowExecutionStartedEventAttributes ?? {};
    const ours = { ...event, workflowExecutionStartedEventAttributes: started, upsertWorkflowSearchAttributesEventAttributes: null, markerRecordedEventAttributes: null };
    return payloadsIn(ours).filter((p) => new TextDecoder().decode(p.metadata?.encoding ?? new Uint8Array()) !== ENCRYPTED_ENCODING);
  });
  assert.deepEqual(plain, []);
  assert.ok(payloadsIn(history).every((p) => !Buffer.from(p.data ?? new Uint8Array()).toString('utf8').includes('door code')));
});
