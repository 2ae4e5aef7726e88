/**
 * Private by default: a unique secret goes through every path that carries personal text — a gate trigger, a
 * gate reply, a usage record with prompt and answer, a subagent retry text — with the clients and workers the
 * project creates. Read back from the server without the codec, the secret appears in no history; decoded
 * with the codec (as the codec server does for the Web UI), it is there.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { UsageLedgerClient } from '../../plugin-bridge/usage-ledger/ledger-client.ts';
import { gatewayTaskQueue, subagentTaskWorkflowId, taskEndedSignal, taskSpawnedSignal, type RetryConfig } from '../../workflows/subagent/contract.ts';
import { usageLedgerStateQuery, usageLedgerWorkflowId } from '../../workflows/usage/contract.ts';
import { recordingGateway } from '../helpers/gateway.ts';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { ENCRYPTED_ENCODING } from '../../plugin-bridge/shared/codec/encryption-codec.ts';
import { allRuns, decodedTexts, payloadsIn, rawClient, rawHistoryBytes } from '../helpers/raw-history.ts';
import { eventually, startTestServer, startWorkers, tempDir, type RunningWorkers } from '../helpers/temporal.ts';

const SECRET = `secret-${randomUUID()}`;
const tmp = tempDir('privacy');
const soon = () => Date.now() + 10_000;
let env: TestWorkflowEnvironment;
let workers: RunningWorkers;
let bridge: TemporalBridge;

before(async () => {
  env = await startTestServer();
  workers = await startWorkers(env);
  bridge = new TemporalBridge({ address: env.address, namespace: 'default' });
  bridge.start();
});

after(async () => {
  await bridge?.stop();
  await workers?.stop();
  await env?.teardown();
  tmp.cleanup();
});

async function playGate(): Promise<void> {
  const gate = new GateClient(bridge, new KeyedChain(), { channel: 'whatsapp', taskQueue: 'openclaw-temporal' });
  const config = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: join(tmp.dir, 'gate.db') };
  const peer = '+4917099990001';
  const body = `${SECRET} trigger`;
  await gate.trigger(peer, { messageId: 'privacy-1', sender: '+15550001', text: `friday: ${body}`, body, receivedAt: Date.now(), config }, soon());
  const decision = await gate.decide(peer, { decisionId: 'privacy-d1', content: `${SECRET} reply`, config }, soon());
  assert.equal(decision.action, 'deliver');
}

async function playUsage(): Promise<void> {
  const usage = new UsageLedgerClient(bridge, { taskQueue: 'openclaw-temporal' });
  const record = extractUsage(
    { runId: 'privacy-run', provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 10, output: 5 }, prompt: `${SECRET} prompt`, assistantTexts: [`${SECRET} answer`] },
    'llm_output',
    { eventId: 'privacy-usage-1', now: Date.now() },
  );
  assert.ok(record !== null && record.rawJson.includes(`${SECRET} prompt`) && record.rawJson.includes(`${SECRET} answer`), 'the record carries prompt and answer');
  await usage.send('privacy', { dbPath: join(tmp.dir, 'usage.db'), records: [record] }, soon());
  const handle = env.client.workflow.getHandle(usageLedgerWorkflowId('privacy'));
  await eventually('usage record written', async () => ((await handle.query(usageLedgerStateQuery)).counters.written === 1 ? true : undefined), 30_000);
}

async function playRetry(): Promise<void> {
  const gw = recordingGateway(env.address, 'gw-privacy');
  gw.worker.start();
  try {
    const config: RetryConfig = {
      autoRetryFailedSubagents: true, maxRetriesPerTask: 1, retryOutcomes: ['error'], backoff: { initialMs: 0, multiplier: 2, maxMs: 1000 },
      pickupTimeoutMs: 30_000, notifyRequesterOnExhausted: false, gatewayTaskQueue: gatewayTaskQueue('gw-privacy'),
    };
    const child = 'agent:main:subagent:privacy-1';
    const handle = await env.client.workflow.signalWithStart('subagentTaskWorkflow', {
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
  test('the secret of a trigger, a reply, a usage record and a retry text is in no raw history, and decodes with the codec', async () => {
    await playGate();
    await playUsage();
    await playRetry();
    const raw = rawClient(env.connection);
    const expected = ['lorene-gate/whatsapp/+4917099990001', usageLedgerWorkflowId('privacy'), subagentTaskWorkflowId('privacy-task'), `${subagentTaskWorkflowId('privacy-task')}/retry-1`];
    const runs = await eventually('every run listed', async () => {
      const listed = await allRuns(raw);
      return expected.every((id) => listed.some((r) => r.workflowId === id)) ? listed : undefined;
    });
    for (const run of runs) {
      const bytes = await rawHistoryBytes(raw, run);
      assert.ok(!bytes.includes(SECRET), `${run.workflowId} stores the secret in plain text`);
    }
    const [codec] = payloadDataConverter().payloadCodecs ?? [];
    assert.ok(codec !== undefined, 'the tests run with the codec on');
    let decoded = '';
    for (const run of runs) decoded += await decodedTexts(raw, run, codec);
    for (const path of ['trigger', 'reply', 'prompt', 'answer', 'task']) assert.ok(decoded.includes(`${SECRET} ${path}`), `the ${path} decodes with the codec`);
  });
});

test('without a key the bridge fails closed: the gate gets an error naming the key file, nothing reaches the server', async () => {
  const missing = join(tmp.dir, 'no-such-keys.json');
  const keyless = new TemporalBridge({ address: env.address, namespace: 'default', payloadKeyFile: missing });
  keyless.start();
  try {
    const gate = new GateClient(keyless, new KeyedChain(), { channel: 'whatsapp', taskQueue: 'openclaw-temporal' });
    const config = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: join(tmp.dir, 'gate.db') };
    const peer = '+4917099990003';
    const failed = await gate.decide(peer, { decisionId: 'keyless-1', content: `${SECRET} unsent`, config }, soon()).then(
      () => null,
      (err: unknown) => err,
    );
    assert.ok(failed instanceof TemporalCallError && failed.message.includes(missing), `a TemporalCallError naming the key file, got ${String(failed)}`);
    const usage = new UsageLedgerClient(keyless, { taskQueue: 'openclaw-temporal' });
    const record = extractUsage({ runId: 'keyless-run', provider: 'anthropic', model: 'm', usage: { input: 1, output: 1 }, prompt: SECRET }, 'llm_output', { eventId: 'keyless-1', now: Date.now() });
    assert.ok(record !== null);
    await assert.rejects(usage.send('keyless', { dbPath: join(tmp.dir, 'usage.db'), records: [record] }, soon()), (err: unknown) => err instanceof TemporalCallError && err.message.includes('no payload key'));
    const listed = await allRuns(rawClient(env.connection));
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
