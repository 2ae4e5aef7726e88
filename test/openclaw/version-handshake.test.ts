/**
 * The bridge/worker version handshake through OpenClaw's real loader: lorene-gate's service, started by the
 * host, reads the version the worker announces on the workflow task queue. A worker of another release is
 * reported in the gateway log at start with both versions; a worker of this release is not.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { OPENCLAW_TEMPORAL_VERSION } from '../../workflows/shared/version.ts';
import { eventually, startTestServer, startWorkers, tempDir, type RunningWorkers } from '../helpers/temporal.ts';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { startOpenClawHost, type LogLine, type OpenClawHost } from './host-client.ts';

const pluginDir = fileURLToPath(new URL('../../plugin-bridge/lorene-gate/', import.meta.url));
const OLD_WORKER = '0.0.9-old';
const tmp = tempDir('version-handshake');

let env: TestWorkflowEnvironment;
let host: OpenClawHost | undefined;
let workers: RunningWorkers | undefined;

const isMismatch = (l: LogLine) => l.level === 'warn' && /version mismatch/.test(l.message);

/** Each test has its own task queue: the server lists a stopped worker's pollers for minutes. */
async function gatewayStartAgainst(taskQueue: string, version: string | undefined): Promise<OpenClawHost> {
  workers = await startWorkers(env, taskQueue, payloadDataConverter(), version);
  const started = await startOpenClawHost();
  host = started;
  const loaded = await started.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig: { temporalAddress: env.address, taskQueue, dbPath: join(tmp.dir, 'gate.db') } });
  assert.equal(loaded.status, 'loaded', loaded.error ?? '');
  await started.startServices({ stateDir: tmp.dir });
  return started;
}

describe('the bridge/worker version handshake at service start', () => {
  before(async () => {
    env = await startTestServer();
  });

  afterEach(async (t) => {
    if ('passed' in t && t.passed === false && host !== undefined) process.stderr.write(`--- openclaw host stderr ---\n${host.stderrText()}\n`);
    await host?.stopServices();
    await host?.close();
    await workers?.stop();
    host = undefined;
    workers = undefined;
  });

  after(async () => {
    await env?.teardown();
    tmp.cleanup();
  });

  test('a worker of another release: the gateway log says so at start, naming both versions', async () => {
    const gateway = await gatewayStartAgainst('handshake-old-worker', OLD_WORKER);
    const warned = await eventually('the mismatch warning', async () => (await gateway.logs()).find(isMismatch));
    assert.match(warned.message, new RegExp(`this plugin is ${OPENCLAW_TEMPORAL_VERSION.replaceAll('.', '\\.')}`));
    assert.match(warned.message, /the worker on task queue handshake-old-worker is 0\.0\.9-old;/);
    assert.match(warned.message, /"plugin":"lorene-gate"/);
  });

  test('a worker of this release: the check passes and nothing is reported', async () => {
    const gateway = await gatewayStartAgainst('handshake-same-worker', undefined);
    await eventually('the match line', async () => (await gateway.logs()).find((l) => /the worker runs the same openclaw-temporal version/.test(l.message)));
    assert.deepEqual((await gateway.logs()).filter(isMismatch), []);
  });
});
