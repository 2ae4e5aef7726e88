/**
 * The payload codec's cost on a gate decision: the same sequential decisions against two stacks in the same run,
 * one encrypting (the bench's main stack) and one with `OPENCLAW_TEMPORAL_CODEC=off` (its own dev server and
 * worker child), in alternating rounds so that load drifting over the run hits both sides alike. It reports the
 * ratio codec on / codec off; the bar is "within 5 %".
 */
import type { SqliteDurability } from '../../worker/sqlite-durability.ts';
import { join } from 'node:path';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { loadAverage } from './report.ts';
import { startBenchStack, type BenchStack } from './stack.ts';
import { summarize, type LatencySummary } from './stats.ts';
import { concatTimed, timeAsync, type Timed } from './timing.ts';

/** Sizes of the codec comparison. */
export interface CodecBenchPlan {
  /** Measured decisions per side and round (each round re-arms the peer outside the timed calls). */
  readonly decisionsPerRound: number;
  readonly rounds: number;
  readonly warmupDecisions: number;
}

export const DEFAULT_CODEC_BENCH_PLAN: CodecBenchPlan = { decisionsPerRound: 100, rounds: 6, warmupDecisions: 30 };

/** Both sides' latencies, their ratios (on / off) and the load while they were measured. */
export interface CodecComparison {
  readonly plan: CodecBenchPlan;
  readonly on: LatencySummary;
  readonly off: LatencySummary;
  readonly ratio: { readonly mean: number; readonly p50: number; readonly p99: number };
  readonly limit: number;
  readonly outcomes: { readonly on: Readonly<Record<string, number>>; readonly off: Readonly<Record<string, number>> };
  readonly loadAverage: { readonly before: number[]; readonly after: number[] };
}

/** Runs `start` with the codec switched off in this process's environment (read by the worker child and the bridge). */
async function withCodecOff<T>(start: () => Promise<T> | T): Promise<T> {
  const previous = process.env.OPENCLAW_TEMPORAL_CODEC;
  process.env.OPENCLAW_TEMPORAL_CODEC = 'off';
  try {
    return await start();
  } finally {
    if (previous === undefined) delete process.env.OPENCLAW_TEMPORAL_CODEC;
    else process.env.OPENCLAW_TEMPORAL_CODEC = previous;
  }
}

/** One side: a bridge on a stack, an armed peer, and a timed round of decisions. */
function side(address: string, dbPath: string, name: string) {
  const bridge = new TemporalBridge({ address, namespace: 'default' });
  const gate = new GateClient(bridge, new KeyedChain(), { channel: 'whatsapp', taskQueue: 'openclaw-temporal' });
  const config: GateRuntimeConfig = { armTtlMs: 600_000, maxUsesPerArm: 1000, missedResponseTtlMs: 1_200_000, dbPath };
  const peer = `+49171${name === 'on' ? '6000001' : '6000002'}`;
  let n = 0;
  const arm = () => gate.trigger(peer, { messageId: `codec-${name}-${++n}`, sender: '+4915112345678', text: 'friday: what is on tonight?', body: 'what is on tonight?', receivedAt: Date.now(), config }, Date.now() + 10_000);
  const decide = () =>
    gate.decide(peer, { decisionId: `codec-${name}-${process.pid}-${++n}`, content: 'Tonight on Plex: "The Third Man" at 20:15.', config }, Date.now() + 3000).then(
      (d) => (d.action === 'deliver' ? 'deliver' : `cancel:${d.reason}`),
      (err: unknown) => (err instanceof TemporalCallError ? `error:${err.kind}` : `error:${String(err)}`),
    );
  const round = async (count: number): Promise<Timed> => {
    await arm();
    return timeAsync(count, 1, decide);
  };
  return { bridge, round };
}

/** Compares codec on (the stack at `onAddress`, whose worker writes `onDbPath`) with a codec-off stack started here. */
export async function benchCodecOnOff(onAddress: string, onDbPath: string, durability: SqliteDurability, plan: CodecBenchPlan = DEFAULT_CODEC_BENCH_PLAN): Promise<CodecComparison> {
  const before = loadAverage();
  const offStack: BenchStack = await withCodecOff(() => startBenchStack(durability));
  const on = side(onAddress, onDbPath, 'on');
  const off = side(offStack.address, join(offStack.dir, 'lorene-gate.db'), 'off');
  on.bridge.start();
  await withCodecOff(() => off.bridge.start());
  let ok = false;
  try {
    await on.round(plan.warmupDecisions);
    await off.round(plan.warmupDecisions);
    const rounds: { on: Timed[]; off: Timed[] } = { on: [], off: [] };
    for (let r = 0; r < plan.rounds; r++) {
      // Alternate which side goes first, so neither always follows the other's ledger writes.
      const order = r % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      for (const which of order) rounds[which].push(await (which === 'on' ? on : off).round(plan.decisionsPerRound));
    }
    const onTimed = concatTimed(rounds.on);
    const offTimed = concatTimed(rounds.off);
    const onSummary = summarize(onTimed.samplesNs, onTimed.wallNs);
    const offSummary = summarize(offTimed.samplesNs, offTimed.wallNs);
    ok = true;
    return {
      plan,
      on: onSummary,
      off: offSummary,
      ratio: { mean: onSummary.meanMs / offSummary.meanMs, p50: onSummary.p50Ms / offSummary.p50Ms, p99: onSummary.p99Ms / offSummary.p99Ms },
      limit: 1.05,
      outcomes: { on: onTimed.outcomes, off: offTimed.outcomes },
      loadAverage: { before, after: loadAverage() },
    };
  } finally {
    await on.bridge.stop();
    await off.bridge.stop();
    await offStack.stop(ok);
  }
}

/** One line for the terminal. */
export function formatCodecComparison(c: CodecComparison): string {
  const ms = (v: number) => v.toFixed(2);
  return (
    `gate decision, codec on vs off (${c.plan.rounds} alternating rounds of ${c.plan.decisionsPerRound}): ` +
    `mean ${ms(c.on.meanMs)} / ${ms(c.off.meanMs)} ms = ${c.ratio.mean.toFixed(3)}×, p50 ${c.ratio.p50.toFixed(3)}×, p99 ${c.ratio.p99.toFixed(3)}× ` +
    `(bar ${c.limit}×); load average ${c.loadAverage.before.join(' / ')} → ${c.loadAverage.after.join(' / ')}`
  );
}
