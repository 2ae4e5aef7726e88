/**
 * Activities that only the gateway can perform, served from inside the OpenClaw gateway process by the gateway
 * activity worker: put a system event in front of a session's next turn and wake the session.
 *
 * The event goes through `api.session.workflow.enqueueNextTurnInjection`, which OpenClaw stores with the session
 * entry (it survives a gateway restart) and de-duplicates by `idempotencyKey` while it is pending: delivering
 * the same retry again — an activity retry, a re-delivery after a gateway restart — leaves one copy. The wake is
 * `requestHeartbeat` (in memory; after a gateway restart the workflow asks for the wake alone — `wakeOnly` — so a
 * copy the requester consumed just before the restart is not stored again). Nothing stored is a failure: the
 * activity throws and Temporal retries it. Hosts without the session API fall back to the in-memory system-event
 * queue, where `false` is a failure too.
 */
import type { GatewayActivities, SystemEventDelivery } from '../workflows/subagent/contract.ts';
import type { StructuredLogger } from '../workflows/shared/logger.ts';
import type { PluginSessionWorkflow } from './gateway-host.ts';

/** The slice of OpenClaw's `api.runtime.system` these activities use (openclaw@2026.9.6). */
export interface GatewaySystemRuntime {
  enqueueSystemEvent(text: string, options: { sessionKey: string; agentId?: string; contextKey?: string | null; replace?: boolean }): boolean;
  requestHeartbeat(options: { source: string; intent: string; reason?: string; sessionKey?: string; agentId?: string }): unknown;
}

/** Delivery ids (`<contextKey>#<delivery>`) already done by this process, oldest evicted first. */
export class DeliveredKeys {
  readonly #keys = new Set<string>();
  constructor(private readonly capacity = 10_000) {}
  has(key: string): boolean {
    return this.#keys.has(key);
  }
  add(key: string): void {
    this.#keys.add(key);
    if (this.#keys.size > this.capacity) this.#keys.delete(this.#keys.values().next().value as string);
  }
}

export interface GatewayActivityDeps {
  readonly system: GatewaySystemRuntime;
  /** `api.session.workflow`; without it the in-memory system-event queue is used. */
  readonly session?: PluginSessionWorkflow;
  readonly delivered: DeliveredKeys;
  readonly logger: Pick<StructuredLogger, 'info' | 'warn'>;
}

/** Nothing was stored for the requester: a failed delivery, retried by Temporal. */
export class DeliveryNotStoredError extends Error {
  override name = 'DeliveryNotStoredError' as const;
}

/** `agent:<agentId>:…` → agentId (OpenClaw recommends passing it with the session key). */
export function agentIdOf(sessionKey: string): string | undefined {
  const match = /^agent:([^:]+):/i.exec(sessionKey);
  return match?.[1];
}

/** Stores the event; `duplicate`: the same key was still pending. Throws when nothing was stored. */
async function store(deps: GatewayActivityDeps, input: SystemEventDelivery, agentId: string | undefined): Promise<{ enqueued: boolean; duplicate: boolean }> {
  const { sessionKey, contextKey } = input;
  if (deps.session === undefined) {
    if (!deps.system.enqueueSystemEvent(input.text, { sessionKey, ...(agentId && { agentId }), contextKey, replace: true })) {
      throw new DeliveryNotStoredError(`OpenClaw did not queue the system event for ${sessionKey}`);
    }
    return { enqueued: true, duplicate: false };
  }
  const result = await deps.session.enqueueNextTurnInjection({ sessionKey, ...(agentId && { agentId }), text: input.text, idempotencyKey: contextKey, placement: 'prepend_context' });
  if (!result.enqueued && result.id === '') {
    throw new DeliveryNotStoredError(`OpenClaw stored no next-turn injection for ${sessionKey} (unknown session, or prompt injection disabled for the plugin)`);
  }
  return { enqueued: result.enqueued, duplicate: !result.enqueued };
}

export function createGatewayActivities(deps: GatewayActivityDeps): GatewayActivities {
  return {
    async deliverSystemEvent(input: SystemEventDelivery) {
      const { sessionKey, contextKey } = input;
      const deliveryId = `${contextKey}#${input.delivery ?? 1}`;
      if (deps.delivered.has(deliveryId)) {
        deps.logger.info({ sessionKey, deliveryId }, 'system event already delivered by this gateway; not enqueued again');
        return { enqueued: false, duplicate: true };
      }
      const agentId = agentIdOf(sessionKey);
      const stored = input.wakeOnly === true && deps.session !== undefined ? { enqueued: false, duplicate: true } : await store(deps, input, agentId);
      if (input.heartbeatReason !== null) {
        deps.system.requestHeartbeat({ source: 'other', intent: 'event', reason: input.heartbeatReason, sessionKey, ...(agentId && { agentId }) });
      }
      deps.delivered.add(deliveryId);
      deps.logger.info({ sessionKey, deliveryId, ...stored }, 'system event delivered');
      return stored;
    },
  };
}
