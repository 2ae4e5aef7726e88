/**
 * The outage run (issue 9's acceptance): a protected peer's allowed person sends triggers and the assistant
 * replies, at random times from a seeded PRNG, through OpenClaw's real hook runner, while Temporal is reachable,
 * then unreachable for a while, then reachable again. Events are fired without waiting for each other, as a
 * gateway does. What each hook answered is recorded for the auditor (audit.ts).
 */
import { existsSync } from 'node:fs';
import { gateOutboxPath } from '../../plugin-bridge/lorene-gate/index.ts';
import type { HookRun } from '../../test/openclaw/host-client.ts';
import type { ProxyMode } from '../../test/helpers/tcp-proxy.ts';
import { seededRandom } from './prng.ts';
import { OUTAGE_PEERS, type OutageStack } from './stack.ts';

export type OutagePhase = 'before' | 'outage' | 'after';

export interface OutagePlan {
  readonly seed: number;
  readonly events: number;
  /** How long Temporal is unreachable. */
  readonly outageSeconds: number;
  /** How long Temporal is reachable before and after the outage. */
  readonly upSeconds: number;
  /** `refuse`: connections cut (a stopped server); `blackhole`: accepted, never answered (a dead host). */
  readonly mode: Exclude<ProxyMode, 'forward'>;
  /** Share of events that are triggers (the rest are replies). */
  readonly triggerShare: number;
  readonly decisionTimeoutMs: number;
  readonly maxUsesPerArm: number;
}

/** One event as it happened. `id`: the trigger's message id, or the reply's (unique) text. */
export interface OutageEvent {
  readonly index: number;
  readonly kind: 'trigger' | 'reply';
  readonly phase: OutagePhase;
  readonly id: string;
  readonly startedAt: number;
  readonly endedAt: number;
  /** A reply: delivered or cancelled by the gate; a trigger: handed to the plugin; `failed`: the hook run failed. */
  readonly outcome: 'delivered' | 'cancelled' | 'recorded' | 'failed';
  readonly detail: string | null;
}

export interface OutageRun {
  readonly plan: OutagePlan;
  readonly events: readonly OutageEvent[];
  readonly startedAt: number;
  readonly outageStartedAt: number;
  readonly outageEndedAt: number;
  readonly lastEventEndedAt: number;
  /** When the plugin's outbox was first seen empty after Temporal was back (100 ms polling); null: not by the end. */
  readonly outboxDrainedAt: number | null;
}

const sleepUntil = (at: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
const whatsapp = { channelId: 'whatsapp', conversationId: OUTAGE_PEERS.protected };

/** Polls for the outbox file to disappear; `stop()` ends the polling and tells when it did (null: not yet). */
function watchOutbox(path: string): { stop(): number | null } {
  let at: number | null = null;
  const timer = setInterval(() => {
    if (at === null && !existsSync(path)) at = Date.now();
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return at;
    },
  };
}

/** The events' offsets (ms from the start) and kinds, from the seed alone. */
export function schedule(plan: OutagePlan): Array<{ readonly at: number; readonly kind: 'trigger' | 'reply' }> {
  const random = seededRandom(plan.seed);
  const totalMs = (plan.outageSeconds + 2 * plan.upSeconds) * 1000;
  return Array.from({ length: plan.events }, () => ({ at: Math.floor(random() * totalMs), kind: random() < plan.triggerShare ? ('trigger' as const) : ('reply' as const) }))
    .sort((a, b) => a.at - b.at);
}

async function fire(stack: OutageStack, plan: OutagePlan, index: number, kind: 'trigger' | 'reply', phase: OutagePhase): Promise<OutageEvent> {
  const startedAt = Date.now();
  const id = kind === 'trigger' ? `wa-${plan.seed}-${index}` : `reply ${index} (seed ${plan.seed})`;
  const run: HookRun =
    kind === 'trigger'
      ? await stack.host.run('runMessageReceived', { from: OUTAGE_PEERS.allowed, content: `friday: request ${index}`, messageId: id }, whatsapp)
      : await stack.host.run('runMessageSending', { to: OUTAGE_PEERS.protected, content: id }, whatsapp);
  const endedAt = Date.now();
  const base = { index, kind, phase, id, startedAt, endedAt };
  if (!run.ok) return { ...base, outcome: 'failed', detail: run.error };
  if (kind === 'trigger') return { ...base, outcome: 'recorded', detail: null };
  const result = (run.result ?? {}) as { cancel?: boolean; cancelReason?: string };
  return result.cancel === true ? { ...base, outcome: 'cancelled', detail: result.cancelReason ?? null } : { ...base, outcome: 'delivered', detail: null };
}

/** Runs `plan` on `stack` (Temporal reachable at the start; reachable again at the end). */
export async function runOutage(stack: OutageStack, plan: OutagePlan, progress: (line: string) => void): Promise<OutageRun> {
  const startedAt = Date.now();
  const outageAt = startedAt + plan.upSeconds * 1000;
  const backAt = outageAt + plan.outageSeconds * 1000;
  let phase = 'before' as OutagePhase; // moved on by switchTo()
  let outageStartedAt = outageAt;
  let outageEndedAt = backAt;
  let drained: { stop(): number | null } | null = null;
  const switchTo = (next: OutagePhase) => {
    phase = next;
    stack.proxy.setMode(next === 'outage' ? plan.mode : 'forward');
    if (next === 'outage') outageStartedAt = Date.now();
    else {
      outageEndedAt = Date.now();
      drained = watchOutbox(gateOutboxPath(stack.stateDir));
    }
    progress(`${new Date().toISOString()} Temporal ${next === 'outage' ? `unreachable (${plan.mode})` : 'reachable again'}`);
  };
  const runs: Array<Promise<OutageEvent>> = [];
  const planned = schedule(plan);
  for (const [index, event] of planned.entries()) {
    const at = startedAt + event.at;
    if (phase === 'before' && at >= outageAt) {
      await sleepUntil(outageAt);
      switchTo('outage');
    }
    if (phase === 'outage' && at >= backAt) {
      await sleepUntil(backAt);
      switchTo('after');
    }
    await sleepUntil(at);
    runs.push(fire(stack, plan, index, event.kind, phase));
  }
  if (phase === 'before') {
    await sleepUntil(outageAt);
    switchTo('outage');
  }
  if (phase === 'outage') {
    await sleepUntil(backAt);
    switchTo('after');
  }
  const events = await Promise.all(runs);
  const outboxDrainedAt = (drained as { stop(): number | null } | null)?.stop() ?? null;
  return { plan, events, startedAt, outageStartedAt, outageEndedAt, lastEventEndedAt: Math.max(...events.map((e) => e.endedAt)), outboxDrainedAt };
}
