/**
 * Every invariant of the fault tests and the chaos run, checked at a settled point (after `settle`): what the
 * channel delivered against the consumed uses, arms and counters, the replies' expected outcomes, usage rows
 * against the model calls that reported usage, the processes alive, and the gateway's and worker's logs.
 */
import {
  counterViolations,
  crashViolations,
  gatewayLogViolations,
  gateViolations,
  outcomeViolations,
  runUsage,
  usageRows,
  usageViolations,
  workerLogViolations,
} from '../auditor.ts';
import { eventually } from '../../helpers/temporal.ts';
import { threadLossViolations, threadSnapshot } from '../orchestrator-audit.ts';
import { MAX_USES, PROTECTED, type ChaosWorld } from './world.ts';

/** Waits (bounded) for a usage row per reported run, then compares them. */
async function usageCheck(world: ChaosWorld): Promise<string[]> {
  const { stateDir } = world.stack.sandbox;
  const expected = runUsage(world.stack.model.calls);
  await eventually('a usage row per run', () => (usageRows(stateDir).length >= expected.length ? true : undefined), 60_000).catch(() => undefined);
  return usageViolations(stateDir, expected);
}

/**
 * Every thread a delegating round started: bound within the settle time (its spawn result was not lost), and
 * nothing it held before lost since the last audit.
 */
async function threadCheck(world: ChaosWorld): Promise<string[]> {
  const out: string[] = [];
  for (const [front, before] of world.threads) {
    const now = await eventually(`the thread of ${front} bound`, async () => {
      const snap = await threadSnapshot(world.stack.server.client, front).catch(() => undefined);
      return snap?.orchestratorKey !== undefined ? snap : undefined;
    }, 120_000).catch(() => undefined);
    if (now === undefined) {
      out.push(`no thread, binding, counter or retry lost: the thread of ${front} was ${before === undefined ? 'never bound' : 'lost'}`);
      continue;
    }
    if (before !== undefined) out.push(...threadLossViolations(before, now).map((v) => `${v} (${front})`));
    world.threads.set(front, now);
  }
  return out;
}

/** All violated invariants now, each a sentence naming the invariant. */
export async function auditWorld(world: ChaosWorld): Promise<string[]> {
  const { stack, telegram } = world;
  const { stateDir } = stack.sandbox;
  const processes = world.restarting
    ? []
    : [
        { name: 'gateway', exitCode: stack.gateway.child.exitCode, signalCode: stack.gateway.child.signalCode },
        { name: 'worker', exitCode: stack.worker.child.exitCode, signalCode: stack.worker.child.signalCode },
      ];
  return [
    ...gateViolations(stateDir, telegram.delivered, PROTECTED),
    ...counterViolations(stateDir, MAX_USES),
    ...outcomeViolations(world.outcomes),
    ...(await usageCheck(world)),
    ...(await threadCheck(world)),
    ...crashViolations(processes),
    ...gatewayLogViolations(stack.gatewayLogs()),
    ...workerLogViolations(stack.workerLogs()),
  ];
}
