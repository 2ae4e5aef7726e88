/**
 * The chaos loop: scenarios in rounds, a fault at a random (seeded) point of most rounds, the invariants checked
 * after every round, until the time is up. The same seed gives the same rounds, faults and points (the timings
 * of the real processes vary, so the outcomes can too). Returns the figures for the summary table.
 */
import { gateResponses, usageRows } from '../auditor.ts';
import { seededRandom } from '../../../scripts/outage/prng.ts';
import { auditWorld } from './audit.ts';
import { FAULT_KINDS, injectFault, settle, type FaultKind } from './faults.ts';
import { SCENARIOS, type Scenario, type Step } from './scenarios.ts';
import type { ChaosWorld } from './world.ts';

export interface ChaosPlan {
  readonly seed: number;
  /** No new round starts after this many ms. */
  readonly durationMs: number;
  /** How long a `temporal-stop` fault keeps the server down. */
  readonly outageMs: number;
  /** Share of rounds with a fault. @default 0.8 */
  readonly faultShare?: number;
  readonly scenarios?: readonly Scenario[];
  readonly faultKinds?: readonly FaultKind[];
  /** Progress lines (one per round). */
  readonly log?: (line: string) => void;
}

/** One violation, where it was found. */
export interface FoundViolation {
  readonly round: number;
  readonly after: string;
  readonly invariant: string;
}

export interface ChaosFigures {
  readonly seed: number;
  readonly minutes: number;
  readonly rounds: number;
  readonly roundsByScenario: Record<string, number>;
  readonly faultsByKind: Record<string, number>;
  readonly events: { inbound: number; modelCalls: number; delivered: number; blocked: number; usageRows: number; duplicated: number; redelivered: number };
  readonly violations: FoundViolation[];
}

/** A fault and the step it lands before (`point` = the number of steps: after the last one). */
export interface PlannedFault {
  readonly kind: FaultKind;
  readonly point: number;
  readonly outageMs: number;
}

/** Runs `steps` with `fault` injected at its point, then waits until the world has settled. */
export async function runRound(world: ChaosWorld, steps: readonly Step[], fault: PlannedFault | undefined): Promise<void> {
  for (let i = 0; i <= steps.length; i++) {
    let ranStep = false;
    if (fault !== undefined && i === fault.point) ranStep = (await injectFault(world, fault.kind, steps[i], fault.outageMs)).ranNext;
    if (!ranStep) await steps[i]?.run(world);
  }
  await settle(world);
}

/** Runs the loop on `world` and returns the figures; never throws for a violation (they are in the figures). */
export async function runChaos(world: ChaosWorld, plan: ChaosPlan): Promise<ChaosFigures> {
  const random = seededRandom(plan.seed);
  const scenarios = plan.scenarios ?? SCENARIOS;
  const kinds = plan.faultKinds ?? FAULT_KINDS;
  const faultsByKind: Record<string, number> = Object.fromEntries(kinds.map((k) => [k, 0]));
  const roundsByScenario: Record<string, number> = Object.fromEntries(scenarios.map((s) => [s.name, 0]));
  const violations: FoundViolation[] = [];
  const known = new Set<string>();
  const started = Date.now();
  let rounds = 0;
  while (Date.now() - started < plan.durationMs) {
    rounds++;
    const scenario = scenarios[Math.floor(random() * scenarios.length)] ?? scenarios[0];
    if (scenario === undefined) break;
    const steps = scenario.steps(world);
    const fault = random() < (plan.faultShare ?? 0.8) ? kinds[Math.floor(random() * kinds.length)] : undefined;
    const point = Math.floor(random() * (steps.length + 1));
    roundsByScenario[scenario.name] = (roundsByScenario[scenario.name] ?? 0) + 1;
    const where = fault === undefined ? 'no fault' : `${fault} before step ${point} of ${scenario.name}`;
    plan.log?.(`round ${rounds}: ${scenario.name}, ${where}`);
    if (fault !== undefined) faultsByKind[fault] = (faultsByKind[fault] ?? 0) + 1;
    await runRound(world, steps, fault === undefined ? undefined : { kind: fault, point, outageMs: plan.outageMs });
    for (const invariant of await auditWorld(world)) {
      if (known.has(invariant)) continue;
      known.add(invariant);
      violations.push({ round: rounds, after: where, invariant });
      plan.log?.(`  VIOLATION ${invariant}`);
    }
  }
  const { stateDir } = world.stack.sandbox;
  return {
    seed: plan.seed,
    minutes: Math.round((Date.now() - started) / 600) / 100,
    rounds,
    roundsByScenario,
    faultsByKind,
    events: {
      inbound: world.events,
      modelCalls: world.stack.model.calls.length,
      delivered: world.telegram.delivered.length,
      blocked: gateResponses(stateDir).filter((r) => r.kind === 'blocked').length,
      usageRows: usageRows(stateDir).length,
      duplicated: world.proxy.duplicated,
      redelivered: world.telegram.handedOutAgain,
    },
    violations,
  };
}

/** The summary table (faults by kind, events, violations). */
export function chaosTable(f: ChaosFigures): string {
  const faults = Object.entries(f.faultsByKind).map(([k, n]) => `| fault: ${k} | ${n} |`);
  const rounds = Object.entries(f.roundsByScenario).map(([k, n]) => `| rounds: ${k} | ${n} |`);
  return [
    `chaos run, seed ${f.seed}, ${f.minutes} min, ${f.rounds} rounds`,
    '',
    '| what | count |',
    '|---|---|',
    ...rounds,
    ...faults,
    `| events: messages and turns sent | ${f.events.inbound} |`,
    `| events: inbound messages handed out twice | ${f.events.duplicated} |`,
    `| events: inbound messages handed out again after a gateway kill | ${f.events.redelivered} |`,
    `| events: model calls | ${f.events.modelCalls} |`,
    `| events: replies delivered by the channel | ${f.events.delivered} |`,
    `| events: sends the gate cancelled (blocked_messages rows) | ${f.events.blocked} |`,
    `| events: usage rows | ${f.events.usageRows} |`,
    `| **violations** | **${f.violations.length}** |`,
    ...f.violations.map((v) => `  round ${v.round} (${v.after}): ${v.invariant}`),
  ].join('\n');
}
