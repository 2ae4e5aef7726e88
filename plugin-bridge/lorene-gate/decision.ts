/**
 * One outbound decision for a protected peer, the same for every hook that can put a message in front of it
 * (`message_sending`, and `reply_payload_sending` for payloads without text). It answers within
 * `decisionTimeoutMs`, everything included: waiting for the facts observed before it (the trigger), the
 * per-peer queue, the update. Without an answer in time it fails closed, and tells the gate through the outbox
 * which decision it gave up, so the ledger records the cancel and a use consumed meanwhile comes back.
 */
import { randomUUID } from 'node:crypto';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { maskPeer } from '../../workflows/gate/text.ts';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import { TemporalCallError } from '../shared/errors.ts';
import { recordDecision, recordFailClosed } from '../shared/metrics.ts';
import { hookSpanAttributes, type HookIds, type SpanAttributes } from '../shared/span-attributes.ts';
import type { GateFacts } from './facts.ts';
import type { GateClient } from './gate-client.ts';

/** Deliver, or cancel with the reason OpenClaw records (`lorene-gate: …`). */
export type GateVerdict = { readonly deliver: true } | { readonly deliver: false; readonly reason: string };

/** A cancel given without the gate's decision. */
type FailedClosed = { readonly deliver: false; readonly reason: string; readonly failClosed: true };

export class GateDecisions {
  constructor(
    private readonly gate: GateClient,
    private readonly facts: GateFacts,
    private readonly log: BridgeLogger,
    private readonly decisionTimeoutMs: number,
  ) {}

  /**
   * Asks the peer's gate about `content`; never rejects. `runtime` null: the service is not running (cancel).
   * `ids`: the hook context's ids, put on the call's span when tracing is on (never the content).
   */
  async decide(hook: string, peer: string, content: string, runtime: GateRuntimeConfig | null, ids?: HookIds): Promise<GateVerdict> {
    const started = performance.now();
    const verdict = await this.#decide(hook, peer, content, runtime, hookSpanAttributes('lorene-gate', hook, ids, peer));
    const outcome = verdict.deliver ? 'deliver' : 'failClosed' in verdict ? 'fail-closed' : 'cancel';
    recordDecision('lorene-gate', hook, outcome, (performance.now() - started) / 1000);
    return verdict.deliver ? verdict : { deliver: false, reason: verdict.reason };
  }

  async #decide(hook: string, peer: string, content: string, runtime: GateRuntimeConfig | null, attributes: SpanAttributes): Promise<GateVerdict | FailedClosed> {
    const masked = maskPeer(peer);
    if (runtime === null) return this.#failClosed(hook, masked, 'the lorene-gate service is not running', 'not-running');
    const decisionId = randomUUID();
    const deadline = Date.now() + this.decisionTimeoutMs;
    try {
      await this.facts.afterFactsOf(peer, deadline);
      const decision = await this.gate.decide(peer, { decisionId, content, config: runtime }, deadline, attributes);
      if (decision.action === 'deliver') {
        this.log.debug({ hook, peer: masked, requestId: decision.requestId, usesLeft: decision.usesLeft }, 'delivered');
        return { deliver: true };
      }
      this.log.info({ hook, peer: masked, reason: decision.reason, requestId: decision.requestId }, 'message to a protected peer cancelled');
      return { deliver: false, reason: `lorene-gate: ${decision.reason}` };
    } catch (err) {
      const kind = err instanceof TemporalCallError ? err.kind : 'error';
      const detail = err instanceof TemporalCallError ? `${err.kind}: ${err.detail}` : err instanceof Error ? err.message : String(err);
      const reason = `Temporal gave no decision within ${this.decisionTimeoutMs} ms (${detail})`;
      const abandon = { decisionId, content, reason, observedAt: Date.now(), config: runtime };
      this.facts.record({ kind: 'abandon', peer, abandon }).catch((recordErr: unknown) => {
        this.log.error({ hook, peer: masked, decisionId, err: recordErr }, 'the cancel could not be recorded for the gate ledger');
      });
      return this.#failClosed(hook, masked, reason, kind);
    }
  }

  /** The cancel reason for a handler that failed unexpectedly (logged). */
  bridgeError(hook: string, err: unknown): string {
    recordDecision('lorene-gate', hook, 'fail-closed', 0);
    return this.#failClosed(hook, '(unknown)', `bridge error: ${String(err)}`, 'bridge-error').reason;
  }

  #failClosed(hook: string, peer: string, reason: string, kind: string): FailedClosed {
    this.log.warn({ hook, peer, reason }, 'message to a protected peer cancelled (fail closed)');
    recordFailClosed('lorene-gate', kind);
    return { deliver: false, reason: `lorene-gate: ${reason}`, failClosed: true };
  }
}
