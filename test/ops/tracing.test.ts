// OpenTelemetry traces, end to end: the deployable worker (worker/main.ts) with tracing turned on by the standard
// OTEL_* variables, the bridge's Temporal client (the one every plugin uses) traced, a real dev server, and an
// OTLP/HTTP receiver in this test (the exporters send JSON). One gate decision sent through the bridge must arrive
// as one trace: the client's update-with-start → the workflow's update handler → the ledger activity it causes.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { hookSpanAttributes } from '../../plugin-bridge/shared/span-attributes.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { UsageLedgerClient } from '../../plugin-bridge/usage-ledger/ledger-client.ts';
import { withAgentAndCost } from '../../plugin-bridge/usage-ledger/record.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { startTracing, tracingSettings } from '../../plugin-bridge/shared/tracing.ts';
import { gateWorkflowId } from '../../workflows/gate/contract.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { startWorkerProcess, waitUntilPolling, type WorkerProcess } from '../helpers/processes.ts';
import { eventually, startTestServer, tempDir } from '../helpers/temporal.ts';

/** One received span, flattened from OTLP JSON. */
interface ReceivedSpan {
  readonly service: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly attributes: Readonly<Record<string, string>>;
}

interface OtlpValue {
  readonly stringValue?: string;
}
interface OtlpJson {
  readonly resourceSpans?: readonly {
    readonly resource?: { readonly attributes?: readonly { key: string; value: OtlpValue }[] };
    readonly scopeSpans?: readonly { readonly spans?: readonly { name: string; traceId: string; spanId: string; parentSpanId?: string; attributes?: readonly { key: string; value: OtlpValue }[] }[] }[];
  }[];
}

const flat = (attributes: readonly { key: string; value: OtlpValue }[] = []) => Object.fromEntries(attributes.map((a) => [a.key, a.value.stringValue ?? '']));

/** A tiny OTLP/HTTP JSON receiver on 127.0.0.1: every span posted to /v1/traces lands in `spans`. */
function startReceiver(spans: ReceivedSpan[]): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url !== '/v1/traces' || !(request.headers['content-type'] ?? '').includes('json')) {
        response.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpJson;
      for (const rs of body.resourceSpans ?? []) {
        const service = flat(rs.resource?.attributes)['service.name'] ?? '';
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) spans.push({ service, name: s.name, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', attributes: flat(s.attributes) });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}` });
  }));
}

describe('OpenTelemetry traces of a gate decision', () => {
  const spans: ReceivedSpan[] = [];
  const tmp = tempDir('tracing');
  let env: TestWorkflowEnvironment;
  let receiver: { server: Server; url: string };
  let worker: WorkerProcess | undefined;

  before(async () => {
    receiver = await startReceiver(spans);
    env = await startTestServer();
    worker = startWorkerProcess({
      address: env.address,
      dataDir: join(tmp.dir, 'data'),
      logFile: join(tmp.dir, 'worker.log'),
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'traced-worker' },
    });
    await waitUntilPolling(env.client, worker, { workflow: WORKFLOW_TASK_QUEUE, activity: LEDGER_TASK_QUEUE });
  });

  after(async () => {
    await worker?.kill();
    await env?.teardown();
    await new Promise((resolve) => receiver?.server.close(resolve));
    tmp.cleanup();
  });

  test('bridge update → workflow update handler → ledger activity: one trace, with the workflow id', async () => {
    const settings = tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, 'openclaw-gateway');
    assert.ok(settings !== null, 'an OTLP endpoint turns tracing on');
    const traced = startTracing(settings);
    const tracedBridge = new TemporalBridge({ address: env.address, namespace: 'default', tracing: traced });
    tracedBridge.start();
    const gate = new GateClient(tracedBridge, new KeyedChain(), { channel: 'whatsapp', taskQueue: WORKFLOW_TASK_QUEUE });
    const peer = '+4917000009901';
    const config = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: join(tmp.dir, 'lorene-gate.db') };
    // Not armed: the gate starts with this update, answers `cancel` and writes the blocked message to its ledger.
    const hook = { sessionKey: 'agent:main:whatsapp:direct:+4917000009901', runId: 'run-traced-1', agentId: 'main', channelId: 'whatsapp', conversationId: peer };
    const attributes = hookSpanAttributes('lorene-gate', 'message_sending', hook, peer);
    const decision = await gate.decide(peer, { decisionId: 'traced-1', content: 'an answer', config }, Date.now() + 20_000, attributes);
    assert.equal(decision.action, 'cancel');
    await tracedBridge.stop();
    await traced.shutdown();

    const workflowId = gateWorkflowId('whatsapp', peer);
    const activity = await eventually('the ledger activity span', () => spans.find((s) => s.name === 'RunActivity:applyGateLedger' && s.attributes.temporalWorkflowId === workflowId), 30_000);
    const client = spans.find((s) => s.service === 'openclaw-gateway' && s.name === 'UpdateWithStartWorkflow:lorene-gate.outbound');
    assert.ok(client, `the bridge's span; received: ${spans.map((s) => `${s.service}/${s.name}`).join(', ')}`);
    assert.equal(client.attributes.temporalWorkflowId, workflowId);
    // The hook's ids: on the bridge's span around the call, the parent of the client span, in the same trace.
    const parent = spans.find((s) => s.spanId === client.parentSpanId);
    assert.ok(parent, 'the client span has a parent span from the bridge');
    assert.equal(parent.name, 'openclaw.lorene-gate.outbound');
    assert.equal(parent.traceId, client.traceId);
    assert.equal(parent.attributes['openclaw.session_key'], hook.sessionKey);
    assert.equal(parent.attributes['openclaw.run_id'], 'run-traced-1');
    assert.equal(parent.attributes['openclaw.agent_id'], 'main');
    assert.equal(parent.attributes['openclaw.hook'], 'message_sending');
    assert.equal(parent.attributes['openclaw.plugin'], 'lorene-gate');
    assert.equal(parent.attributes['openclaw.peer'], '+49…01', 'the peer is masked as in the logs');
    assert.equal(parent.attributes['openclaw.conversation_id'], '+49…01');
    assert.ok(!JSON.stringify(spans).includes('an answer'), 'no message text in any span');
    const inTrace = spans.filter((s) => s.traceId === client.traceId);
    const handler = inTrace.find((s) => s.name === 'HandleUpdate:lorene-gate.outbound');
    assert.ok(handler, 'the workflow update handler span is in the client span trace');
    assert.equal(handler.parentSpanId, client.spanId, 'the handler span is a child of the bridge span');
    assert.equal(handler.service, 'traced-worker');
    assert.equal(activity.traceId, client.traceId, 'the ledger activity is in the same trace');
    const scheduled = inTrace.find((s) => s.spanId === activity.parentSpanId);
    assert.equal(scheduled?.name, 'StartActivity:applyGateLedger', 'the activity span is a child of the workflow scheduling it');
    assert.equal(activity.service, 'traced-worker');
  });

  test('a usage delivery: the bridge span with the run id and session key is the parent of the client span', async () => {
    const settings = tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, 'openclaw-gateway');
    assert.ok(settings !== null);
    const traced = startTracing(settings);
    const tracedBridge = new TemporalBridge({ address: env.address, namespace: 'default', tracing: traced });
    tracedBridge.start();
    const event = { runId: 'run-usage-1', provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 100, output: 20 } };
    const ctx = { agentId: 'main', sessionKey: 'agent:main:main', runId: 'run-usage-1' };
    const extracted = extractUsage(event, 'llm_output', { now: Date.now() });
    assert.ok(extracted !== null);
    const record = withAgentAndCost(extracted, event, ctx, () => null);
    await new UsageLedgerClient(tracedBridge, { taskQueue: WORKFLOW_TASK_QUEUE }).send('main', { dbPath: join(tmp.dir, 'usage.db'), records: [record] }, Date.now() + 20_000);
    await tracedBridge.stop();
    await traced.shutdown();

    const handler = await eventually('the usage update handler span', () => spans.find((s) => s.name === 'HandleUpdate:usage-ledger.records'), 30_000);
    const client = spans.find((s) => s.spanId === handler.parentSpanId);
    assert.ok(client, 'the handler span has its client span');
    assert.equal(client.name, 'UpdateWithStartWorkflow:usage-ledger.records');
    const parent = spans.find((s) => s.spanId === client.parentSpanId);
    assert.ok(parent, 'the client span has a parent span from the bridge');
    assert.equal(parent.name, 'openclaw.usage-ledger.records');
    assert.equal(parent.traceId, handler.traceId);
    assert.equal(parent.attributes['openclaw.run_id'], 'run-usage-1');
    assert.equal(parent.attributes['openclaw.session_key'], 'agent:main:main');
    assert.equal(parent.attributes['openclaw.agent_id'], 'main');
  });
});
