/**
 * Overload (issue 14, item 4): gate decisions arriving open-loop (at a fixed rate, whether or not earlier ones
 * answered) at 80 % of the capacity measured in the same run, then at 2×, then at half, over the bench's peers,
 * through a bridge wired as lorene-gate wires it (its in-flight bound, its per-peer bound, `decisionTimeoutMs`).
 * Per phase: decisions cancelled for slowness (the bridge gave up: timeout, overloaded, queued past the deadline)
 * and latencies; after the drop to half, how long until the last cancel and the latencies of the recovery.
 */
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { DEFAULT_MAX_QUEUED_PER_PEER } from '../../plugin-bridge/lorene-gate/config.ts';
import { DEFAULT_MAX_IN_FLIGHT } from '../../plugin-bridge/shared/admission.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { ChainDeadlineError, ChainFullError, KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { CHANNEL, peerName } from './gate-bench.ts';
import { summarize } from './stats.ts';

/** One open-loop phase. */
export interface OverloadPhase {
  readonly label: string;
  readonly ratePerSec: number;
  readonly offered: number;
  readonly delivered: number;
  /** Given up by the bridge (timeout, overloaded, queued past the deadline): the message would be cancelled. */
  readonly cancelledForSlowness: number;
  /** Why: `timeout` (sent, no answer in time), `overloaded` (never sent: no slot in time), `queued` (the peer's chain). */
  readonly slowBy: Readonly<Record<string, number>>;
  readonly otherOutcomes: Readonly<Record<string, number>>;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Milliseconds after the phase began when the last cancelled decision was sent (null: none). */
  readonly lastCancelSentAfterMs: number | null;
}

export interface OverloadResult {
  readonly capacityPerSec: number;
  readonly limits: { readonly maxInFlightCalls: number; readonly maxQueuedPerPeer: number; readonly decisionTimeoutMs: number };
  readonly phases: readonly OverloadPhase[];
}

/** The kind of slowness that cancelled a decision, or null for another failure. */
const slowKind = (err: unknown): string | null => {
  if (err instanceof ChainDeadlineError || err instanceof ChainFullError) return 'queued';
  return err instanceof TemporalCallError && (err.kind === 'timeout' || err.kind === 'overloaded') ? err.kind : null;
};

/** Runs 80 %, 200 % and 50 % of `capacityPerSec` for `phaseMs` each over `peers` peers armed with `config`. */
export async function benchOverload(address: string, config: GateRuntimeConfig, peers: number, capacityPerSec: number, phaseMs: number, decisionTimeoutMs: number): Promise<OverloadResult> {
  const bridge = new TemporalBridge({ address, namespace: 'default' });
  bridge.start();
  const gate = new GateClient(bridge, new KeyedChain(DEFAULT_MAX_QUEUED_PER_PEER), { channel: CHANNEL, taskQueue: 'openclaw-temporal' });
  const names = Array.from({ length: peers }, (_, i) => peerName(1 + i));
  let n = 0;
  const arm = async () => {
    for (const peer of names) await gate.trigger(peer, { messageId: `overload-${Date.now()}-${++n}`, sender: '+4915112345678', text: 'friday: overload', body: 'overload', receivedAt: Date.now(), config }, Date.now() + 30_000);
  };
  const phase = async (label: string, ratePerSec: number): Promise<OverloadPhase> => {
    const offered = Math.max(1, Math.round((ratePerSec * phaseMs) / 1000));
    const started = Date.now();
    const calls: Promise<{ outcome: string; ms: number; sentAt: number }>[] = [];
    for (let i = 0; i < offered; i++) {
      const due = started + (i * 1000) / ratePerSec;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sentAt = Date.now() - started;
      const t0 = process.hrtime.bigint();
      const done = (outcome: string) => ({ outcome, ms: Number(process.hrtime.bigint() - t0) / 1e6, sentAt });
      calls.push(
        gate
          .decide(names[i % names.length] as string, { decisionId: `overload-${process.pid}-${++n}`, content: 'overload', config }, Date.now() + decisionTimeoutMs)
          .then((d) => done(d.action === 'deliver' ? 'deliver' : `cancel:${d.reason}`), (err: unknown) => {
            const slow = slowKind(err);
            return done(slow !== null ? `slow:${slow}` : `error:${err instanceof Error ? err.name : String(err)}`);
          }),
      );
    }
    const results = await Promise.all(calls);
    const isSlow = (r: { outcome: string }) => r.outcome.startsWith('slow:');
    const answered = Float64Array.from(results.filter((r) => !isSlow(r)).map((r) => r.ms * 1e6));
    const summary = answered.length > 0 ? summarize(answered, 1) : null;
    const other: Record<string, number> = {};
    const slowBy: Record<string, number> = {};
    for (const r of results) {
      if (isSlow(r)) slowBy[r.outcome.slice(5)] = (slowBy[r.outcome.slice(5)] ?? 0) + 1;
      else if (r.outcome !== 'deliver') other[r.outcome] = (other[r.outcome] ?? 0) + 1;
    }
    const slow = results.filter(isSlow);
    return {
      label,
      ratePerSec: Math.round(ratePerSec * 10) / 10,
      offered,
      delivered: results.filter((r) => r.outcome === 'deliver').length,
      cancelledForSlowness: slow.length,
      slowBy,
      otherOutcomes: other,
      p50Ms: summary === null ? null : Math.round(summary.p50Ms * 10) / 10,
      p99Ms: summary === null ? null : Math.round(summary.p99Ms * 10) / 10,
      lastCancelSentAfterMs: slow.length === 0 ? null : Math.max(...slow.map((r) => r.sentAt)),
    };
  };
  try {
    await arm();
    const at80 = await phase('80 % of capacity', capacityPerSec * 0.8);
    await arm();
    const at200 = await phase('2× capacity', capacityPerSec * 2);
    const after = await phase('load drops to 50 %', capacityPerSec * 0.5);
    return { capacityPerSec, limits: { maxInFlightCalls: DEFAULT_MAX_IN_FLIGHT, maxQueuedPerPeer: DEFAULT_MAX_QUEUED_PER_PEER, decisionTimeoutMs }, phases: [at80, at200, after] };
  } finally {
    await bridge.stop();
  }
}

/** The phases as lines. */
export function formatOverload(result: OverloadResult): string {
  const lines = [`overload (capacity ${result.capacityPerSec.toFixed(1)} decisions/s measured above; bridge bounds ${result.limits.maxInFlightCalls} in flight, ${result.limits.maxQueuedPerPeer} per peer, deadline ${result.limits.decisionTimeoutMs} ms):`];
  for (const p of result.phases) {
    const other = Object.entries(p.otherOutcomes).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`  ${p.label} (${p.ratePerSec}/s, ${p.offered} offered): delivered ${p.delivered}, cancelled for slowness ${p.cancelledForSlowness}${p.cancelledForSlowness > 0 ? ` (${Object.entries(p.slowBy).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}${other ? `, ${other}` : ''}; answered p50 ${p.p50Ms ?? '-'} ms, p99 ${p.p99Ms ?? '-'} ms${p.lastCancelSentAfterMs === null ? '' : `; last cancelled decision sent ${p.lastCancelSentAfterMs} ms into the phase`}`);
  }
  return lines.join('\n');
}
