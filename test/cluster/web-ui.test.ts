/**
 * The native cluster's Web UI: the cluster started with its UI server (as `npm run cluster` does), a gate workflow
 * started through the bridge's GateClient as lorene-gate does, and then what the browser reads from the UI
 * server's HTTP API — the workflow listed with its type from the cluster's visibility, and the settings carrying
 * the codec endpoint the browser decodes payloads through. Stopping the cluster stops the UI. Skipped, saying why,
 * when the bootstrap could not build the UI server (the cluster runs without one then). Run by `npm run test:cluster`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { uiServerMissing } from '../../scripts/cluster-tools.mjs';
import { freePort, portOpen } from '../../scripts/ports.ts';
import type { Cluster } from '../../scripts/cluster/cluster.ts';
import { gateWorkflowId } from '../../workflows/gate/contract.ts';
import { clusterMissing } from '../helpers/cluster-missing.ts';
import { startTestCluster } from '../helpers/target.ts';
import { eventually, startWorkers, tempDir, type RunningWorkers } from '../helpers/temporal.ts';

const CHANNEL = 'whatsapp';
const PEER = '+4915210000099';
/** Not running here: the UI server only hands it to the browser. */
const CODEC_ENDPOINT = 'http://127.0.0.1:8234';

/** Made in `before`: a skipped suite runs no hooks, so it would never be removed. */
let tmp: ReturnType<typeof tempDir> | null = null;
let cluster: Cluster | null = null;
let env: TestWorkflowEnvironment | null = null;
let workers: RunningWorkers | null = null;
let bridge: TemporalBridge | null = null;
let uiPort = 0;

/** GET `path` from the UI server, as the browser does, and its JSON body. */
async function uiGet(path: string): Promise<unknown> {
  const url = cluster?.uiUrl ?? assert.fail('the cluster runs no Web UI');
  const response = await fetch(`${url}${path}`);
  assert.equal(response.status, 200, `GET ${path}: ${await response.clone().text()}`);
  return response.json();
}

interface ListedExecution {
  readonly execution?: { readonly workflowId?: string };
  readonly type?: { readonly name?: string };
  readonly status?: string;
}

describe('the native cluster serves the Web UI (npm run cluster)', { skip: uiServerMissing() ?? false }, () => {
  before(async () => {
    const missing = clusterMissing();
    if (missing !== null) throw new Error(missing);
    Runtime.install({ logger: new DefaultLogger('WARN') });
    tmp = tempDir('cluster-web-ui');
    uiPort = await freePort();
    cluster = await startTestCluster(tmp.dir, { ui: { port: uiPort, codecEndpoint: CODEC_ENDPOINT } });
    env = await TestWorkflowEnvironment.createFromExistingServer({ address: cluster.address, namespace: cluster.namespace, client: { dataConverter: payloadDataConverter() } });
    workers = await startWorkers(env);
    bridge = new TemporalBridge({ address: cluster.address, namespace: cluster.namespace });
    bridge.start();
  });

  after(async () => {
    await bridge?.stop();
    await workers?.stop();
    await env?.teardown();
    await cluster?.stop();
    tmp?.cleanup();
  });

  test('a gate workflow started through the bridge is listed by the UI server, with its type, from the cluster', async () => {
    assert.ok(bridge && cluster && tmp);
    assert.equal(cluster.uiUrl, `http://127.0.0.1:${uiPort}`);
    const gate = new GateClient(bridge, new KeyedChain(), { channel: CHANNEL, taskQueue: 'openclaw-temporal' });
    const config = { armTtlMs: 600_000, maxUsesPerArm: 3, missedResponseTtlMs: 600_000, dbPath: join(tmp.dir, 'lorene-gate.db') };
    await gate.trigger(PEER, { messageId: 'm-ui-1', sender: '+15550001', text: 'friday: hello', body: 'hello', receivedAt: Date.now(), config }, Date.now() + 30_000);
    const workflowId = gateWorkflowId(CHANNEL, PEER);
    const query = encodeURIComponent(`WorkflowId="${workflowId}"`);
    const listed = await eventually('the gate workflow in the UI server\'s workflow list', async () => {
      const body = (await uiGet(`/api/v1/namespaces/${cluster?.namespace}/workflows?query=${query}`)) as { executions?: ListedExecution[] };
      return body.executions?.find((e) => e.execution?.workflowId === workflowId);
    }, 60_000);
    assert.equal(listed.type?.name, 'gateWorkflow');
    assert.equal(listed.status, 'WORKFLOW_EXECUTION_STATUS_RUNNING');
  });

  test('its settings name the codec endpoint and our namespace', async () => {
    const settings = (await uiGet('/api/v1/settings')) as { Codec?: { Endpoint?: string }; DefaultNamespace?: string };
    assert.equal(settings.Codec?.Endpoint, CODEC_ENDPOINT);
    assert.equal(settings.DefaultNamespace, cluster?.namespace);
  });

  test('stopping the cluster stops the UI server too', async () => {
    assert.ok(bridge && workers && env && cluster);
    await bridge.stop();
    await workers.stop();
    await env.teardown();
    await cluster.stop();
    [bridge, workers, env, cluster] = [null, null, null, null];
    assert.equal(await portOpen('127.0.0.1', uiPort), false, 'nothing listens on the UI port any more');
  });
});
