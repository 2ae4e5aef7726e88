/**
 * Issue 9's outage acceptance, short and with a fixed seed (the full size is `npm run outage`): triggers and
 * replies at random through OpenClaw's real hook runner with its real `message_sending` timeout, Temporal
 * reachable, then unreachable (accepted, never answered) for 10 s, then reachable again. The auditor
 * (scripts/outage/audit.ts) checks every event: a delivered reply has its `responses` row and a consumed use, a
 * cancelled one exactly one `blocked_messages` row, a trigger exactly one request with its own time, and no
 * reply is delivered before Temporal is back (one fired late in the outage may be, after, within its deadline).
 * OUTAGE_SEED=<n> repeats the run with another seed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auditWhenSettled } from '../../scripts/outage/audit.ts';
import { runOutage, type OutagePlan } from '../../scripts/outage/run.ts';
import { startOutageStack, type OutageStack } from '../../scripts/outage/stack.ts';

const plan: OutagePlan = {
  seed: Number(process.env.OUTAGE_SEED ?? 20261125),
  events: 60,
  outageSeconds: 10,
  upSeconds: 8,
  mode: 'blackhole',
  triggerShare: 0.3,
  decisionTimeoutMs: 1500,
  maxUsesPerArm: 2,
};

let stack: OutageStack;

describe('lorene-gate outage run (seeded, short)', () => {
  before(async () => {
    stack = await startOutageStack({ decisionTimeoutMs: plan.decisionTimeoutMs, maxUsesPerArm: plan.maxUsesPerArm });
  });

  after(async () => {
    await stack?.close();
  });

  test(`seed ${plan.seed}: nothing delivered without a consumed use, every cancel blocked once, every trigger a request at its own time`, async () => {
    process.stderr.write(`outage run seed ${plan.seed} (OUTAGE_SEED=${plan.seed} repeats it)\n`);
    const run = await runOutage(stack, plan, (line) => process.stderr.write(`${line}\n`));
    const figures = await auditWhenSettled(stack, run, 90_000, 1500);
    process.stderr.write(`${JSON.stringify(figures)}\n`);
    assert.deepEqual(figures.violations, []);
    assert.ok(figures.byPhase.outage.cancelled > 0 && figures.byPhase.outage.triggers > 0, 'the outage saw replies and triggers');
    assert.ok(figures.usesConsumed > 0, 'some replies were delivered with a consumed use');
    assert.ok(figures.byPhase.before.cancelled + figures.byPhase.after.cancelled + figures.byPhase.outage.cancelled > 0);
    assert.deepEqual(await stack.host.unhandled(), []);
  });
});
