/**
 * The worst gate decision and the continue-as-new (issue 14), alone: `npm run bench -- --only worst-cas`. One peer,
 * decisions one after another through the bridge as lorene-gate sends them (as the full bench's one-peer row), on
 * the bench stack; each decision's start and end are kept, and the gate's runs are read back, so the slowest
 * decisions are reported with whether a continue-as-new closed a run while they were in flight. A second plan has
 * several bridges decide on one gate at once with a lowered history bound: many decisions meet a closing run.
 */
import { Client, Connection } from '@temporalio/client';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { gateWorkflowId } from '../../workflows/gate/contract.ts';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { CHANNEL } from './gate-bench.ts';
import { summarize } from './stats.ts';

/** One decision as measured: when it was sent (epoch ms) and how long it took. */
interface Sample {
  readonly index: number;
  readonly sentAt: number;
  readonly ms: number;
  readonly outcome: string;
}

/** The row's figures: the slowest decisions, and the runs' closes (continue-as-new) during the phase. */
export interface WorstCasResult {
  readonly decisions: number;
  readonly lanes: number;
  /** Decisions slower than 500 ms. */
  readonly over500Ms: number;
  /** The slowest decision in flight while a run closed by continue-as-new (0: none was). */
  readonly worstAtContinueAsNewMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly continueAsNew: number;
  /** Decisions in flight while a run of the gate closed by continue-as-new, slowest first (at most 10). */
  readonly atContinueAsNew: readonly { readonly index: number; readonly ms: number }[];
  readonly slowest: readonly { readonly index: number; readonly ms: number; readonly atContinueAsNew: boolean }[];
  readonly outcomes: Readonly<Record<string, number>>;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/** Close times (epoch ms) of the runs of `workflowId` that continued as new. */
async function continueAsNewTimes(address: string, workflowId: string): Promise<number[]> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter() });
    const times: number[] = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      if (run.status.name === 'CONTINUED_AS_NEW' && run.closeTime !== undefined) times.push(run.closeTime.getTime());
    }
    return times.sort((a, b) => a - b);
  } finally {
    await connection.close();
  }
}

/** What to measure: `lanes` bridge clients (each its own chain, as several gateways) deciding on one peer at once. */
export interface WorstCasPlan {
  readonly peer: string;
  /** Timed decisions, over all lanes. */
  readonly decisions: number;
  /** Untimed decisions first (one lane). */
  readonly warmup: number;
  readonly lanes: number;
  /** Starts the gate with this history bound (more continue-as-new); unset: started by the trigger, default bound. */
  readonly maxHistoryEvents?: number;
}

/** Starts the gate of `peer` with a lowered history bound, before the trigger reaches it. */
async function startGate(address: string, peer: string, maxHistoryEvents: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter() });
    await client.workflow.start('gateWorkflow', { workflowId: gateWorkflowId(CHANNEL, peer), taskQueue: 'openclaw-temporal', args: [{ channel: CHANNEL, peer, maxHistoryEvents }] });
  } finally {
    await connection.close();
  }
}

/** Runs the plan's decisions on one fresh peer (armed with enough uses) and reads back its runs. */
export async function benchWorstCas(address: string, dbPath: string, plan: WorstCasPlan): Promise<WorstCasResult> {
  const { peer, decisions, warmup, lanes } = plan;
  const bridge = new TemporalBridge({ address, namespace: 'default' });
  bridge.start();
  const gates = Array.from({ length: lanes }, () => new GateClient(bridge, new KeyedChain(), { channel: CHANNEL, taskQueue: 'openclaw-temporal' }));
  const config: GateRuntimeConfig = { armTtlMs: 600_000, maxUsesPerArm: decisions + warmup, missedResponseTtlMs: 1_200_000, dbPath };
  const samples: Sample[] = [];
  let fromMs = Date.now();
  const decide = async (lane: number, index: number, timed: boolean) => {
    const sentAt = Date.now();
    const started = process.hrtime.bigint();
    const outcome = await (gates[lane] as GateClient).decide(peer, { decisionId: `worst-cas-${process.pid}-${peer}-${lane}-${index}`, content: 'Tonight on Plex.', config }, sentAt + 3000).then(
      (d) => (d.action === 'deliver' ? 'deliver' : `cancel:${d.reason}`),
      (err: unknown) => `error:${err instanceof Error ? err.message : String(err)}`,
    );
    if (timed) samples.push({ index, sentAt, ms: Number(process.hrtime.bigint() - started) / 1e6, outcome });
  };
  try {
    if (plan.maxHistoryEvents !== undefined) await startGate(address, peer, plan.maxHistoryEvents);
    await gates[0]?.trigger(peer, { messageId: `worst-cas-${Date.now()}`, sender: '+4915112345678', text: 'friday: what is on tonight?', body: 'what is on tonight?', receivedAt: Date.now(), config }, Date.now() + 10_000);
    for (let i = 0; i < warmup; i++) await decide(0, -1 - i, false);
    fromMs = Date.now();
    const perLane = Math.ceil(decisions / lanes);
    await Promise.all(gates.map(async (_, lane) => {
      for (let i = lane * perLane; i < Math.min(decisions, (lane + 1) * perLane); i++) await decide(lane, i, true);
    }));
  } finally {
    await bridge.stop();
  }
  const closes = (await continueAsNewTimes(address, gateWorkflowId(CHANNEL, peer))).filter((t) => t >= fromMs);
  const spans = (s: Sample) => closes.some((t) => t >= s.sentAt - 1 && t <= s.sentAt + s.ms + 1);
  const stats = summarize(Float64Array.from(samples, (s) => s.ms * 1e6), 1);
  const outcomes: Record<string, number> = {};
  for (const s of samples) outcomes[s.outcome] = (outcomes[s.outcome] ?? 0) + 1;
  const atCan = samples.filter(spans);
  return {
    decisions: samples.length,
    lanes,
    p50Ms: r1(stats.p50Ms),
    p99Ms: r1(stats.p99Ms),
    maxMs: r1(stats.maxMs),
    over500Ms: samples.filter((s) => s.ms > 500).length,
    continueAsNew: closes.length,
    worstAtContinueAsNewMs: r1(Math.max(0, ...atCan.map((s) => s.ms))),
    atContinueAsNew: atCan.sort((a, b) => b.ms - a.ms).slice(0, 10).map((s) => ({ index: s.index, ms: r1(s.ms) })),
    slowest: [...samples].sort((a, b) => b.ms - a.ms).slice(0, 5).map((s) => ({ index: s.index, ms: r1(s.ms), atContinueAsNew: spans(s) })),
    outcomes,
  };
}
