/**
 * `npm run chaos -- --minutes N --seed S`: issue 12's chaos run. The e2e scenarios (test/e2e/chaos/scenarios.ts)
 * in rounds through a real gateway, a real Temporal dev server and the worker process, with a fault at a random
 * (seeded) point of most rounds — gateway SIGTERM + start, gateway kill -9 + start, worker kill -9 + start,
 * Temporal stopped for `--outage-seconds` then started, Temporal restarted on the same database, the next inbound
 * message handed out twice — and every invariant checked after each round. Prints the summary table, writes the
 * figures to `--out` (default bench/chaos.json), exits 1 on any violation.
 *
 * Options: --minutes (default 5), --seed (default: random, printed), --outage-seconds (default 60), --out <file>,
 * --scenarios gate,usage,orchestrator (default: all).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freshSeed } from './outage/prng.ts';
import { chaosTable, runChaos } from '../test/e2e/chaos/run.ts';
import { startChaosWorld } from '../test/e2e/chaos/world.ts';
import { SCENARIOS } from '../test/e2e/chaos/scenarios.ts';

function wholeNumber(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} wants a number, got "${raw}"`);
  return value;
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { minutes: { type: 'string' }, seed: { type: 'string' }, 'outage-seconds': { type: 'string' }, out: { type: 'string' }, scenarios: { type: 'string' } },
});
const scenarios = (values.scenarios ?? SCENARIOS.map((s) => s.name).join(',')).split(',').map((name) => {
  const found = SCENARIOS.find((s) => s.name === name.trim());
  if (found === undefined) throw new Error(`--scenarios: unknown scenario "${name}" (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  return found;
});
const seed = wholeNumber(values.seed, 'seed', freshSeed());
const minutes = wholeNumber(values.minutes, 'minutes', 5);
const outageMs = wholeNumber(values['outage-seconds'], 'outage-seconds', 60) * 1000;
const out = resolve(values.out ?? 'bench/chaos.json');
process.env.OPENCLAW_TEMPORAL_KEY_FILE ??= resolve('test/fixtures/payload-keys.json');

process.stdout.write(`chaos run: seed ${seed}, ${minutes} min, Temporal outages of ${outageMs / 1000} s\n`);
const world = await startChaosWorld('chaos');
let ok = false;
try {
  const figures = await runChaos(world, { seed, durationMs: minutes * 60_000, outageMs, scenarios, log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`\n${chaosTable(figures)}\n`);
  mkdirSync(dirname(out), { recursive: true });
  const only = values.scenarios === undefined ? '' : ` --scenarios ${values.scenarios}`;
  writeFileSync(out, `${JSON.stringify({ command: `npm run chaos -- --minutes ${minutes} --seed ${seed} --outage-seconds ${outageMs / 1000}${only}`, ...figures }, null, 2)}\n`);
  process.stdout.write(`figures written to ${out}\n`);
  ok = figures.violations.length === 0;
} finally {
  await world.stop();
}
process.exit(ok ? 0 : 1);
