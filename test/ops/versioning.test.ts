// Worker Versioning on a real dev server (Temporal 1.29): a worker polling as build 1 serves a gate; a worker with
// a changed gate workflow — one that no running gate's history can replay (it starts with a timer) — polls as
// build 2 and becomes the deployment's current version. The running gate stays pinned to build 1 and keeps
// answering (no non-determinism, no lost decision); a gate started now runs the new code on build 2.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { bundleWorkflowCode } from '@temporalio/worker';
import { parseWorkerConfig } from '../../worker/config.ts';
import { configuredDeployment, defaultBuildId, DEPLOYMENT_NAME, pinnedDeployment } from '../../worker/versioning.ts';
import { createWorkerSet, WORKFLOW_INTERCEPTOR_MODULES, type WorkerSet } from '../../worker/workers.ts';
import { gateWorkflowId } from '../../workflows/gate/contract.ts';
import { LEDGER_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { eventually, quietLogger, tempDir, testBundle } from '../helpers/temporal.ts';
import { workerPollers } from '../../scripts/ops/status-workers.ts';
import { withGateServer } from './gate-rounds.ts';
import { incompatibleWorkflows } from './incompatible-workflows.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const TASK_QUEUE = 'openclaw-temporal-versioned';
const DEPLOYMENT = 'openclaw-temporal-test';
const OLD_PEER = '+4917000000001';
const NEW_PEER = '+4917000000002';

test('the worker polls as openclaw-temporal.<package version>+<git SHA> only when versioning is on', () => {
  const config = (env: NodeJS.ProcessEnv) => parseWorkerConfig(env, { dataDir: '/tmp' });
  assert.equal(configuredDeployment(config({}), repo), null);
  const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
  assert.ok(defaultBuildId(repo).startsWith(`${version}+`) && /\+[0-9a-f]{12}$/.test(defaultBuildId(repo)), defaultBuildId(repo));
  assert.deepEqual(configuredDeployment(config({ OPENCLAW_TEMPORAL_WORKER_VERSIONING: 'on' }), repo), pinnedDeployment(defaultBuildId(repo)));
  assert.deepEqual(configuredDeployment(config({ OPENCLAW_TEMPORAL_WORKER_VERSIONING: 'on', OPENCLAW_TEMPORAL_BUILD_ID: 'image-42' }), repo)?.version, { deploymentName: DEPLOYMENT_NAME, buildId: 'image-42' });
  assert.throws(() => config({ OPENCLAW_TEMPORAL_WORKER_VERSIONING: 'yes' }), /OPENCLAW_TEMPORAL_WORKER_VERSIONING/);
});

describe('a changed gate workflow behind a new build id', () => {
  const running: Array<{ set: WorkerSet; done: Promise<void> }> = [];
  const tmp = tempDir('openclaw-temporal-versioning');
  const server = withGateServer(TASK_QUEUE, tmp.dir, async () => {
    for (const { set } of running) set.shutdown();
    await Promise.all(running.map((r) => r.done));
  });
  let cleanupIncompatible: () => Promise<void> = () => Promise.resolve();

  const startBuild = async (buildId: string, bundle: Awaited<ReturnType<typeof testBundle>>) => {
    const set = await createWorkerSet({
      connection: server.env.nativeConnection,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      ledgerTaskQueue: LEDGER_TASK_QUEUE,
      serveLedger: false,
      maxCachedWorkflows: 10,
      bundle,
      logger: quietLogger,
      deployment: pinnedDeployment(buildId, DEPLOYMENT),
    });
    running.push({ set, done: set.run() });
    // The server learns a version from its pollers: retry until it accepts it as current.
    await eventually(
      `build ${buildId} current`,
      async () => {
        try {
          await server.env.client.workflowService.setWorkerDeploymentCurrentVersion({ namespace: 'default', deploymentName: DEPLOYMENT, buildId, identity: 'versioning-test' });
          return true;
        } catch {
          return undefined; // the version is not registered yet: the next poll registers it
        }
      },
      30_000,
    );
  };

  const buildOf = async (peer: string) => {
    const described = await server.env.client.workflow.getHandle(gateWorkflowId('whatsapp', peer)).describe();
    const info = described.raw.workflowExecutionInfo?.versioningInfo;
    return { buildId: info?.deploymentVersion?.buildId ?? null, behavior: info?.behavior ?? null };
  };

  after(async () => {
    await cleanupIncompatible();
    tmp.cleanup();
  });

  test('running gates stay on the old build and keep answering; new gates start on the new build', async () => {
    const { trigger, answer } = server.rounds;

    await startBuild('1.0.0+aaaaaaaaaaaa', await testBundle());
    await trigger(OLD_PEER, 'v-old-1');
    assert.equal((await answer(OLD_PEER, 'v-old-answer-1')).action, 'deliver');
    assert.deepEqual(await buildOf(OLD_PEER), { buildId: '1.0.0+aaaaaaaaaaaa', behavior: 1 }); // 1: PINNED

    const incompatible = await incompatibleWorkflows();
    cleanupIncompatible = incompatible.cleanup;
    await writeFile(incompatible.index, CHANGED_INDEX);
    const changed = await bundleWorkflowCode({ workflowsPath: incompatible.index, workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES], logger: quietBundler });
    await startBuild('1.0.1+bbbbbbbbbbbb', changed);

    // The running gate: still build 1, its arm intact (2 uses left after the first answer), nothing lost.
    const second = await answer(OLD_PEER, 'v-old-answer-2');
    assert.deepEqual([second.action, second.usesLeft], ['deliver', 1]);
    assert.deepEqual(await buildOf(OLD_PEER), { buildId: '1.0.0+aaaaaaaaaaaa', behavior: 1 });

    // A new gate: build 2, running the changed code (its first command is a memo build 1 never writes).
    await trigger(NEW_PEER, 'v-new-1');
    assert.equal((await answer(NEW_PEER, 'v-new-answer-1')).action, 'deliver');
    assert.deepEqual(await buildOf(NEW_PEER), { buildId: '1.0.1+bbbbbbbbbbbb', behavior: 1 });
    const memo = async (peer: string) => (await server.env.client.workflow.getHandle(gateWorkflowId('whatsapp', peer)).describe()).memo?.changedGate ?? null;
    assert.equal(await memo(NEW_PEER), 'build 2');
    assert.equal(await memo(OLD_PEER), null, 'the old gate never ran the changed code');
    // `ops status` shows both builds polling.
    const versions = new Set((await workerPollers(server.env.client, TASK_QUEUE)).filter((p) => p.kind === 'workflow').map((p) => p.version));
    assert.deepEqual([...versions].sort(), [`${DEPLOYMENT}.1.0.0+aaaaaaaaaaaa`, `${DEPLOYMENT}.1.0.1+bbbbbbbbbbbb`]);
  });
});

/** Today's workflows, but gateWorkflow first writes a memo: a command no recorded gate history has. */
const CHANGED_INDEX = `import { upsertMemo } from '@temporalio/workflow';
import { gateWorkflow as currentGateWorkflow } from './gate/workflow.ts';
export * from './index.original.ts';
export async function gateWorkflow(...args: Parameters<typeof currentGateWorkflow>): Promise<void> {
  upsertMemo({ changedGate: 'build 2' });
  return currentGateWorkflow(...args);
}
`;

const quietBundler = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => void process.stderr.write(`[bundler] ${message}\n`),
};
