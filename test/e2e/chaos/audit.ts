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
import { MAX_USES, PROTECTED, type ChaosWorld } from './world.ts';

/** Waits (bounded) for a usage row per reported run, then compares them. */
async function usageCheck(world: ChaosWorld): Promise<string[]> {
  const { stateDir } = world.stack.sandbox;
  const expected = runUsage(world.stack.model.calls);
  await eventually('a usage row per run', () => (usageRows(stateDir).length >= expected.length ? true : undefined), 60_000).catch(() => undefined);
  return usageViolations(stateDir, expected);
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
    ...crashViolations(processes),
    ...gatewayLogViolations(stack.gatewayLogs()),
    ...workerLogViolations(stack.workerLogs()),
  ];
}
