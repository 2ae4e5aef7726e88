/**
 * `npm run outage -- --seconds 60 --events 200 --seed S`: issue 9's outage acceptance at full size. A protected
 * peer exchanges triggers and replies at random (seeded) through OpenClaw's real hook runner while Temporal is
 * reachable, then unreachable for `--seconds`, then reachable again; the auditor then checks every event against
 * the gate ledger and the gate's state. Prints a summary table, writes the figures to `--out`
 * (default bench/outage.json), exits 1 on any violation.
 *
 * Options: --seconds (outage, default 60), --up-seconds (before and after, default 15), --events (default 200),
 * --seed (default: random, printed), --mode refuse|blackhole (default refuse), --decision-timeout-ms (default
 * 1500), --max-uses (default 2), --out <file>.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { auditWhenSettled, type OutageFigures } from './outage/audit.ts';
import { freshSeed } from './outage/prng.ts';
import { runOutage, type OutagePlan } from './outage/run.ts';
import { startOutageStack } from './outage/stack.ts';

function wholeNumber(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} wants a whole number, got "${raw}"`);
  return value;
}

function planFrom(argv: string[]): { plan: OutagePlan; out: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      'up-seconds': { type: 'string' },
      events: { type: 'string' },
      seed: { type: 'string' },
      mode: { type: 'string' },
      'decision-timeout-ms': { type: 'string' },
      'max-uses': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const mode = values.mode ?? 'refuse';
  if (mode !== 'refuse' && mode !== 'blackhole') throw new Error(`--mode wants refuse or blackhole, got "${mode}"`);
  const plan: OutagePlan = {
    seed: wholeNumber(values.seed, 'seed', freshSeed()),
    events: wholeNumber(values.events, 'events', 200),
    outageSeconds: wholeNumber(values.seconds, 'seconds', 60),
    upSeconds: wholeNumber(values['up-seconds'], 'up-seconds', 15),
    mode,
    triggerShare: 0.3,
    decisionTimeoutMs: wholeNumber(values['decision-timeout-ms'], 'decision-timeout-ms', 1500),
    maxUsesPerArm: Math.max(1, wholeNumber(values['max-uses'], 'max-uses', 2)),
  };
  return { plan, out: resolve(values.out ?? 'bench/outage.json') };
}

function table(plan: OutagePlan, figures: OutageFigures): string {
  const rows = (['before', 'outage', 'after'] as const).map((phase) => {
    const p = figures.byPhase[phase];
    return `  ${phase.padEnd(8)} ${String(p.triggers).padStart(8)} ${String(p.delivered).padStart(10)} ${String(p.cancelled).padStart(10)}`;
  });
  return [
    `outage run · seed ${plan.seed} · ${plan.events} events · Temporal ${plan.mode} for ${plan.outageSeconds} s (${plan.upSeconds} s up before and after)`,
    `  phase    triggers  delivered  cancelled`,
    ...rows,
    `  requests ${figures.requests} · uses consumed ${figures.usesConsumed} (gate counts ${figures.gateDelivered} delivered) · blocked rows ${figures.blockedRows}`,
    `  most uses of one request ${figures.mostUsesOfOneRequest} (max ${plan.maxUsesPerArm}) · slowest reply ${figures.slowestReplyMs} ms (hook budget ${plan.decisionTimeoutMs + 2000} ms)`,
    `  outbox backlog delivered ${figures.backlogDeliveredAfterMs ?? '(not during the run)'} ms after Temporal was back · audit passed after ${figures.settledAfterMs} ms · violations ${figures.violations.length}`,
    ...figures.violations.slice(0, 20).map((v) => `    ✗ ${v}`),
  ].join('\n');
}

async function main(): Promise<number> {
  const { plan, out } = planFrom(process.argv.slice(2));
  process.stdout.write(`outage run: seed ${plan.seed} (repeat with --seed ${plan.seed})\n`);
  const stack = await startOutageStack({ decisionTimeoutMs: plan.decisionTimeoutMs, maxUsesPerArm: plan.maxUsesPerArm });
  try {
    const run = await runOutage(stack, plan, (line) => process.stdout.write(`${line}\n`));
    const figures = await auditWhenSettled(stack, run, 120_000, 2000);
    const unhandled = await stack.host.unhandled();
    process.stdout.write(`${table(plan, figures)}\n  unhandled rejections in the gateway process: ${unhandled.length}\n`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ generatedAt: new Date().toISOString(), plan, figures, unhandled, events: run.events }, null, 2)}\n`);
    process.stdout.write(`figures written to ${out}\n`);
    return figures.violations.length === 0 && unhandled.length === 0 ? 0 : 1;
  } finally {
    await stack.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`outage run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
