/**
 * The floor of the benchmark: the least a workflow can do per update or signal — increment a counter. Bench code
 * only (bundled by `floor-worker.ts`, never by the deployable worker): the gate's figures are read as ratios to
 * what this costs on the same server in the same run.
 */
import { condition, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

/** Increments the counter and answers its new value. */
export const floorIncrementUpdate = defineUpdate<number, []>('bench-floor.increment');
/** Increments the counter. */
export const floorPingSignal = defineSignal<[]>('bench-floor.ping');

/** Runs until terminated; every update and signal adds one to a counter. */
export async function benchFloorWorkflow(): Promise<void> {
  let counter = 0;
  setHandler(floorIncrementUpdate, () => ++counter);
  setHandler(floorPingSignal, () => void ++counter);
  await condition(() => false);
}
