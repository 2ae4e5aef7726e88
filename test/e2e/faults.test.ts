// End to end, faults one at a time (issue 12 point 3): the protected chat's round (trigger, second reply, a reply
// past the uses, a stranger) and HTTP agent turns through a running gateway, with the worker killed (-9) and
// started again, the Temporal server stopped for 60 s under OpenClaw's real hook budgets (the gate's
// `decisionTimeoutMs` + 2000 ms, past which OpenClaw delivers) and started again, Temporal restarted on the same
// database file, and every inbound message handed to the gateway twice (same message id, by the redelivery
// proxy in front of the fake Telegram Bot API). After each, the auditor checks every invariant — what the channel
// delivered against consumed uses, arms and counters, usage rows against the model calls that reported usage,
// no crash, no plugin error in the gateway's log — and a failure names the invariant.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { auditWorld } from './chaos/audit.ts';
import { runRound } from './chaos/run.ts';
import { gateRound, usageRound } from './chaos/scenarios.ts';
import { startChaosWorld, type ChaosWorld } from './chaos/world.ts';
import { gateDump, logLines } from './auditor.ts';

const OUTAGE_MS = 60_000;
let world: ChaosWorld;

before(async () => {
  world = await startChaosWorld('e2e-faults');
});

after(async () => {
  await world?.stop();
});

/** The auditor's findings, with the ledger and the gate's log lines to read when one is there. */
async function audit(): Promise<void> {
  const violations = await auditWorld(world);
  const context = violations.length === 0 ? '' : `\n${gateDump(world.stack.sandbox.stateDir)}\n${logLines(world.stack.gatewayLogs(), /lorene-gate|usage-ledger/i)}`;
  assert.deepEqual(violations, [], `violated invariants${context}`);
}

test('worker kill -9 between the trigger and the second reply: the arm and its counter survive, usage rows complete', { timeout: 900_000 }, async () => {
  await runRound(world, gateRound.steps(world), { kind: 'worker-kill9', point: 1, outageMs: 0 });
  await runRound(world, usageRound.steps(world), { kind: 'worker-kill9', point: 1, outageMs: 0 });
  await audit();
});

test('Temporal restarted on the same database between the trigger and the second reply: nothing lost', { timeout: 900_000 }, async () => {
  await runRound(world, gateRound.steps(world), { kind: 'temporal-restart', point: 1, outageMs: 0 });
  await runRound(world, usageRound.steps(world), { kind: 'temporal-restart', point: 1, outageMs: 0 });
  await audit();
});

test('Temporal stopped for 60 s: the reply during the outage is cancelled in time, the arm serves the next replies after it, usage waits and arrives once', { timeout: 900_000 }, async () => {
  await runRound(world, gateRound.steps(world), { kind: 'temporal-stop', point: 1, outageMs: OUTAGE_MS });
  await runRound(world, usageRound.steps(world), { kind: 'temporal-stop', point: 0, outageMs: OUTAGE_MS });
  await audit();
});

test('every inbound message delivered twice (same message id): one request per trigger, uses counted once per delivery, no usage row twice', { timeout: 900_000 }, async (t) => {
  const callsBefore = world.stack.model.calls.length;
  world.proxy.duplicateAll(true);
  try {
    await runRound(world, gateRound.steps(world), undefined);
  } finally {
    world.proxy.duplicateAll(false);
  }
  assert.ok(world.proxy.duplicated >= 4, `the proxy handed out ${world.proxy.duplicated} messages twice`);
  t.diagnostic(`4 messages handed out twice; the agent ran ${world.stack.model.calls.length - callsBefore} model calls for them`);
  await audit();
});
