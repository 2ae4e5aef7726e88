/**
 * The gate decision through the bridge: `GateClient.decide` over `TemporalBridge` and a `KeyedChain`, wired as
 * lorene-gate's `message_sending` wires them, against the benchmark's dev server and worker child. Every peer is
 * armed with enough uses that each measured decision is a real `deliver` (a use consumed, ledger rows written).
 */
import { gateStateQuery, gateWorkflowId, type GateOutboundDecision, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { LEDGER_BUSY_LINGER } from '../../workflows/gate/workflow.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { cpuPerOperation, type CpuTimes } from './cpu.ts';
import { concatTimed, timeAsync, type Timed } from './timing.ts';

/** Sizes of the Temporal measurements. */
export interface GateBenchPlan {
  readonly onePeerDecisions: number;
  readonly manyPeerDecisions: number;
  readonly peers: number;
  readonly concurrency: number;
  readonly warmupDecisions: number;
  /** Trigger signals measured, spread over the peers (one after another). */
  readonly triggers: number;
  /** The paced trigger phase: the same triggers again, one every this many ms (see {@link GateBenchResult.pacedTriggers}). */
  readonly triggerPaceMs: number;
  /** The plugin's default `decisionTimeoutMs`: past it the bridge would cancel (fail closed). */
  readonly decisionTimeoutMs: number;
}

/** A measured run and the CPU milliseconds each process spent per operation during it. */
export interface GatePhase {
  readonly timed: Timed;
  readonly cpuPerOpMs: CpuTimes;
  /** When the phase started and ended (epoch ms): its window in the workflows' histories. */
  readonly fromMs: number;
  readonly toMs: number;
}

/** The three measured runs. */
export interface GateBenchResult {
  readonly onePeer: GatePhase;
  readonly manyPeers: GatePhase;
  readonly triggers: GatePhase;
  /**
   * The triggers again at a fixed rate the machine keeps up with (`triggerPaceMs` apart), from settled, quiet gates
   * (so each is written at once, as a trigger after a quiet spell is): what a trigger's own signal costs when the
   * durable work of the one before it (its arm, its ledger write) is not still running. The back-to-back phase
   * measures that work competing with the next signal too.
   */
  readonly pacedTriggers: GatePhase;
}

/** The benchmark's gate channel. */
export const CHANNEL = 'whatsapp';
const SENDER = '+4915112345678';
/** The benchmark's peer number `i` (0: the one-peer phase). */
export const peerName = (i: number) => `+49170${String(5_000_000 + i)}`;

function label(decision: GateOutboundDecision): string {
  return decision.action === 'deliver' ? 'deliver' : `cancel:${decision.reason}`;
}

function failure(err: unknown): string {
  return err instanceof TemporalCallError ? `error:${err.kind}` : `error:${String(err)}`;
}

/**
 * Runs the gate measurements; `address` is the dev server, `dbPath` the ledger file the worker writes,
 * `readCpu` reads the CPU times of the stack's processes. `round` keeps decision ids unique when the same gates are
 * measured again in one run (a repeated update id would be answered from the server's record, not decided).
 */
export async function benchGate(address: string, dbPath: string, plan: GateBenchPlan, readCpu: () => CpuTimes, round = 0): Promise<GateBenchResult> {
  const bridge = new TemporalBridge({ address, namespace: 'default' });
  bridge.start();
  const gate = new GateClient(bridge, new KeyedChain(), { channel: CHANNEL, taskQueue: 'openclaw-temporal' });
  const config: GateRuntimeConfig = { armTtlMs: 600_000, maxUsesPerArm: 1000, missedResponseTtlMs: 1_200_000, dbPath };
  let messages = 0;
  let decisions = 0;
  const deadline = () => Date.now() + plan.decisionTimeoutMs;
  const trigger = (peer: string) =>
    gate.trigger(peer, { messageId: `bench-${Date.now()}-${++messages}`, sender: SENDER, text: 'friday: what is on tonight?', body: 'what is on tonight?', receivedAt: Date.now(), config }, Date.now() + 10_000);
  const decide = (peer: string): Promise<string> =>
    gate.decide(peer, { decisionId: `bench-${process.pid}-${round}-${++decisions}`, content: 'Tonight on Plex: "The Third Man" at 20:15.', config }, deadline()).then(label, failure);
  const phase = async (measure: () => Promise<Timed>): Promise<GatePhase> => {
    const before = readCpu();
    const fromMs = Date.now();
    const timed = await measure();
    return { timed, cpuPerOpMs: cpuPerOperation(before, readCpu(), timed.samplesNs.length), fromMs, toMs: Date.now() };
  };
  /** Waits until each gate has run what it was sent and written its ledger rows (at most 30 s). */
  const settle = async (peers: readonly string[]): Promise<void> => {
    const until = Date.now() + 30_000;
    for (const peer of peers) {
      const state = () => bridge.call('bench.settle', until, (client) => client.workflow.getHandle(gateWorkflowId(CHANNEL, peer)).query(gateStateQuery));
      while ((await state()).ledger.length > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /**
   * Settled, then quiet: a trigger on a gate that wrote its ledger in the last 1.5 s would wait for company; after
   * this each gate's first timed trigger is written at once, as a trigger after a quiet spell is (inside the window).
   */
  const settleQuiet = async (peers: readonly string[]): Promise<void> => {
    await settle(peers);
    await new Promise((resolve) => setTimeout(resolve, LEDGER_BUSY_LINGER.busyWithinMs + 100));
  };
  const expectDeliver = (what: string) => (outcome: string) => {
    if (outcome !== 'deliver') throw new Error(`warm-up ${what} gave ${outcome}: the stack is not answering`);
  };

  try {
    const one = peerName(0);
    await trigger(one);
    for (let i = 0; i < plan.warmupDecisions; i++) expectDeliver('one peer')(await decide(one));
    // One round per arm (maxUsesPerArm uses), re-armed outside the timed calls: every timed decision delivers.
    const onePeer = await phase(async () => {
      const rounds: Timed[] = [];
      for (let left = plan.onePeerDecisions; left > 0; left -= config.maxUsesPerArm) {
        await trigger(one);
        rounds.push(await timeAsync(Math.min(left, config.maxUsesPerArm), 1, () => decide(one)));
      }
      return concatTimed(rounds);
    });

    const peers = Array.from({ length: plan.peers }, (_, i) => peerName(i + 1));
    // Each gate is started by an untimed trigger first: the timed ones reach running gates, as the floor's
    // signal-with-start reaches running workflows (a gate starts once per peer, not once per trigger).
    for (const peer of peers) await trigger(peer);
    // A signal is answered before the worker runs it: without this the first timed triggers would share the machine
    // with 50 gates' first workflow tasks (start, timer, search attribute, ledger write) — work the floor's
    // signal-with-start, which follows its settled update phase, never meets.
    await settleQuiet(peers);
    // At least one trigger per peer, so every peer is armed before its decisions.
    const timedTriggers = (paceMs: number) =>
      phase(() => timeAsync(Math.max(plan.triggers, peers.length), 1, (i) => trigger(peers[i % peers.length] as string).then(() => 'signalled', failure), paceMs));
    const triggers = await timedTriggers(0);
    for (let i = 0; i < Math.max(plan.warmupDecisions, peers.length); i++) expectDeliver('many peers')(await decide(peers[i % peers.length] as string));
    const manyPeers = await phase(() => timeAsync(plan.manyPeerDecisions, plan.concurrency, (i) => decide(peers[i % peers.length] as string)));
    await settleQuiet(peers);
    const pacedTriggers = await timedTriggers(plan.triggerPaceMs);
    return { onePeer, manyPeers, triggers, pacedTriggers };
  } finally {
    await bridge.stop();
  }
}
