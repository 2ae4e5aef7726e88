/**
 * The real gateway on the cluster, under faults: the e2e chaos world (test/e2e/chaos/world.ts — a real
 * `openclaw gateway run` with the four plugins, the worker process, the fake Telegram Bot API holding one
 * protected chat and one stranger's chat) started with `TEMPORAL_TARGET=cluster`, so its Temporal is the cluster on
 * PostgreSQL. The Temporal server is restarted between the trigger and the second reply, then stopped for 15 s with
 * a reply sent during the outage (PostgreSQL runs on throughout, as in a production outage of the server alone);
 * then PostgreSQL itself is restarted between the trigger and the second reply (the Temporal server runs on and
 * answers NamespaceNotFound meanwhile). After each, the auditor checks every invariant of the gateway suite:
 * nothing delivered to the protected chat without a consumed use, arms and counters intact, a usage row once for
 * every model call that reported usage, no crash, no plugin error in the gateway's or worker's log. Run by
 * `npm run test:cluster`, not by `npm test`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gateDump, logLines } from '../e2e/auditor.ts';
import { auditWorld } from '../e2e/chaos/audit.ts';
import { settle } from '../e2e/chaos/faults.ts';
import { runRound } from '../e2e/chaos/run.ts';
import { gateRound, usageRound, type Step } from '../e2e/chaos/scenarios.ts';
import { startChaosWorld, type ChaosWorld } from '../e2e/chaos/world.ts';
import { clusterMissing } from '../helpers/cluster-missing.ts';
import { restartTargetPostgres, temporalTarget } from '../helpers/target.ts';

/** Long enough that the reply sent during it meets the gate's decision bound (5 s) with Temporal still down. */
const OUTAGE_MS = 15_000;
let world: ChaosWorld | null = null;
/** PostgreSQL's process id when the world had started. */
let postgresPid = '';

/** The process id in the cluster's `postmaster.pid` (test/helpers/target.ts puts the cluster in the sandbox). */
function postmasterPid(running: ChaosWorld): string {
  const pidFile = join(running.stack.sandbox.root, 'cluster', 'postgres', 'postmaster.pid');
  assert.ok(existsSync(pidFile), `no PostgreSQL of the stack's cluster at ${pidFile}: the harness did not start the cluster`);
  return readFileSync(pidFile, 'utf8').split('\n')[0] ?? '';
}

/** The auditor's findings, with the ledger and the plugins' log lines to read when one is there. */
async function audit(running: ChaosWorld): Promise<void> {
  const violations = await auditWorld(running);
  const context = violations.length === 0 ? '' : `\n${gateDump(running.stack.sandbox.stateDir)}\n${logLines(running.stack.gatewayLogs(), /lorene-gate|usage-ledger/i)}`;
  assert.deepEqual(violations, [], `violated invariants${context}`);
}

/** Runs `steps` with PostgreSQL restarted before step `point`, then waits until the world has settled. */
async function roundWithPostgresRestart(running: ChaosWorld, steps: readonly Step[], point: number): Promise<void> {
  for (const [i, step] of steps.entries()) {
    if (i === point) {
      running.restarting = true;
      try {
        await restartTargetPostgres();
        await settle(running);
      } finally {
        running.restarting = false;
      }
    }
    await step.run(running);
  }
  await settle(running);
}

describe('a real gateway on the cluster: the Temporal server restarted and stopped (PostgreSQL kept), PostgreSQL restarted', () => {
  before(async () => {
    if (temporalTarget() !== 'cluster') throw new Error('run with TEMPORAL_TARGET=cluster (npm run test:cluster)');
    const missing = clusterMissing();
    if (missing !== null) throw new Error(missing);
    world = await startChaosWorld('cluster-gateway-faults');
    postgresPid = postmasterPid(world);
  });

  after(async () => {
    await world?.stop();
  });

  test('Temporal server restarted between the trigger and the second reply: the arm, its counter and every usage row survive', { timeout: 600_000 }, async () => {
    const running = world ?? assert.fail('no world');
    await runRound(running, gateRound.steps(running), { kind: 'temporal-restart', point: 1, outageMs: 0 });
    await runRound(running, usageRound.steps(running), { kind: 'temporal-restart', point: 1, outageMs: 0 });
    await audit(running);
    assert.equal(postmasterPid(running), postgresPid, 'PostgreSQL ran on through the restarts of the Temporal server');
  });

  test('Temporal server stopped for 15 s: the reply during the outage is cancelled in time, the arm serves the next, usage waits and arrives once', { timeout: 600_000 }, async () => {
    const running = world ?? assert.fail('no world');
    await runRound(running, gateRound.steps(running), { kind: 'temporal-stop', point: 1, outageMs: OUTAGE_MS });
    await runRound(running, usageRound.steps(running), { kind: 'temporal-stop', point: 0, outageMs: OUTAGE_MS });
    await audit(running);
    assert.equal(postmasterPid(running), postgresPid, 'PostgreSQL ran on through the outages of the Temporal server');
  });

  test('PostgreSQL restarted between the trigger and the second reply, and between two HTTP turns: nothing lost, nothing counted twice', { timeout: 600_000 }, async () => {
    const running = world ?? assert.fail('no world');
    await roundWithPostgresRestart(running, gateRound.steps(running), 1);
    await roundWithPostgresRestart(running, usageRound.steps(running), 1);
    await audit(running);
    assert.notEqual(postmasterPid(running), postgresPid, 'PostgreSQL was restarted');
  });
});
