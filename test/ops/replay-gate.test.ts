// The worker's replay gate on a real dev server: with OPENCLAW_TEMPORAL_REPLAY_BEFORE_START=N a worker replays the
// N most recent executions of each workflow type against its own bundle before it polls. A gate recorded with
// today's code replays, so today's worker starts; a build whose gateWorkflow starts with a timer cannot replay
// it, so that worker refuses to start and names the workflow and the non-determinism.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { bundleFrom } from '../../scripts/ops/replay.ts';
import { parseWorkerConfig } from '../../worker/config.ts';
import { ReplayGateError, SERVED_WORKFLOW_TYPES } from '../../worker/replay-gate.ts';
import { createWorkerSet, type WorkerSet } from '../../worker/workers.ts';
import { gateWorkflowId } from '../../workflows/gate/contract.ts';
import { LEDGER_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { quietLogger, tempDir, testBundle } from '../helpers/temporal.ts';
import { withGateServer } from './gate-rounds.ts';
import { incompatibleWorkflows } from './incompatible-workflows.ts';

const TASK_QUEUE = 'openclaw-temporal-replay-gate';
const PEER = '+4917000000011';

test('OPENCLAW_TEMPORAL_REPLAY_BEFORE_START: off by default, a count of histories per workflow type', () => {
  const config = (env: NodeJS.ProcessEnv) => parseWorkerConfig(env, { dataDir: '/tmp' });
  assert.equal(config({}).replayBeforeStart, 0);
  assert.equal(config({ OPENCLAW_TEMPORAL_REPLAY_BEFORE_START: '0' }).replayBeforeStart, 0);
  assert.equal(config({ OPENCLAW_TEMPORAL_REPLAY_BEFORE_START: '20' }).replayBeforeStart, 20);
  assert.throws(() => config({ OPENCLAW_TEMPORAL_REPLAY_BEFORE_START: 'yes' }), /OPENCLAW_TEMPORAL_REPLAY_BEFORE_START/);
});

test('the gate checks every workflow type workflows/index.ts exports', () => {
  const index = readFileSync(new URL('../../workflows/index.ts', import.meta.url), 'utf8');
  const exported = [...index.matchAll(/export \{ (\w+) \}/g)].map((m) => m[1]);
  assert.deepEqual([...SERVED_WORKFLOW_TYPES].sort(), exported.sort());
});

describe('a worker with the replay gate on', () => {
  const tmp = tempDir('openclaw-temporal-replay-gate');
  const server = withGateServer(TASK_QUEUE, tmp.dir);
  let cleanupIncompatible: () => Promise<void> = () => Promise.resolve();

  const workerSet = (bundle: Awaited<ReturnType<typeof testBundle>>, replayBeforeStart: number) =>
    createWorkerSet({ connection: server.env.nativeConnection, namespace: 'default', taskQueue: TASK_QUEUE, ledgerTaskQueue: LEDGER_TASK_QUEUE, serveLedger: false, maxCachedWorkflows: 10, bundle, logger: quietLogger, replayBeforeStart });
  const runBriefly = async (set: WorkerSet, during: () => Promise<void> = () => Promise.resolve()) => {
    const done = set.run();
    try {
      await during();
    } finally {
      set.shutdown();
      await done;
    }
  };

  after(async () => {
    await cleanupIncompatible();
    tmp.cleanup();
  });

  test("today's worker starts over a gate recorded with today's code; a build that cannot replay it refuses to start", async () => {
    const { trigger, answer } = server.rounds;
    // Record: a gate armed and answered by a worker running today's bundle (no gate yet: nothing to replay).
    await runBriefly(await workerSet(await testBundle(), 5), async () => {
      await trigger(PEER, 'rg-1');
      assert.equal((await answer(PEER, 'rg-answer-1')).action, 'deliver');
    });

    // Today's bundle replays the open gate: the worker starts, and the gate still answers.
    await runBriefly(await workerSet(await testBundle(), 5), async () => {
      assert.equal((await answer(PEER, 'rg-answer-2', 'Casablanca')).action, 'deliver');
    });

    // A build whose gateWorkflow first sleeps: the worker refuses to start, naming the gate and the reason.
    const incompatible = await incompatibleWorkflows();
    cleanupIncompatible = incompatible.cleanup;
    const changed = await bundleFrom(incompatible.index);
    const refused = await workerSet(changed, 5).then(
      (set) => runBriefly(set).then(() => null),
      (err: unknown) => err,
    );
    assert.ok(refused instanceof ReplayGateError, `the worker started: ${String(refused)}`);
    assert.match(refused.message, /^refusing to start: 1 of \d+ recent histories do not replay/);
    assert.ok(refused.message.includes(gateWorkflowId('whatsapp', PEER)), refused.message);
    assert.match(refused.message, /non-deterministic: .*Nondeterminism/i);
    // Off (the default), the same build would start: the gate is what refused it.
    await runBriefly(await workerSet(changed, 0));
  });
});
