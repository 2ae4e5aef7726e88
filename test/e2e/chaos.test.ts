// The chaos run, short and with a fixed seed (issue 12 point 4; the long one is `npm run chaos -- --minutes N
// --seed S`): the e2e scenarios in rounds through a real gateway, with faults at seeded points — gateway SIGTERM
// and kill -9, worker kill -9, Temporal stopped (15 s here) or restarted on the same database, an inbound message
// handed out twice — and every invariant checked after each round. A violation fails the test with its name.
// CHAOS_SEED and CHAOS_MINUTES change the seed and the length.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chaosTable, runChaos } from './chaos/run.ts';
import { startChaosWorld, type ChaosWorld } from './chaos/world.ts';

const SEED = Number(process.env.CHAOS_SEED ?? 29);
const MINUTES = Number(process.env.CHAOS_MINUTES ?? 2.5);
let world: ChaosWorld;

before(async () => {
  world = await startChaosWorld('e2e-chaos');
});

after(async () => {
  await world?.stop();
});

test(`chaos, seed ${SEED}, ${MINUTES} min: faults at seeded points, zero violations`, { timeout: 1_800_000 }, async (t) => {
  const figures = await runChaos(world, { seed: SEED, durationMs: MINUTES * 60_000, outageMs: 15_000, log: (line) => t.diagnostic(line) });
  for (const line of chaosTable(figures).split('\n')) t.diagnostic(line);
  assert.ok(Object.values(figures.faultsByKind).reduce((a, b) => a + b, 0) >= 2, 'at least two faults were injected');
  assert.deepEqual(figures.violations.map((v) => `round ${v.round} (${v.after}): ${v.invariant}`), []);
});
