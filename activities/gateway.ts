/**
 * Activities that only the gateway can perform, served from inside the OpenClaw gateway process by the gateway
 * activity worker: enqueue a system event into a session and request a heartbeat for it (`api.runtime.system`).
 *
 * Exactly once from the requester's point of view: the event carries a stable `contextKey` and is enqueued with
 * `replace: true`, so a retried activity replaces a still-pending copy instead of adding one; and keys already
 * delivered by this gateway process are remembered, so a retry after the event was consumed enqueues nothing.
 */
import type { GatewayActivities, SystemEventDelivery } from '../workflows/subagent/contract.ts';

/** The slice of OpenClaw's `api.runtime.system` these activities use (openclaw@2026.9.6). */
export interface GatewaySystemRuntime {
  enqueueSystemEvent(text: string, options: { sessionKey: string; agentId?: string; contextKey?: string | null; replace?: boolean }): boolean;
  requestHeartbeat(options: { source: string; intent: string; reason?: string; sessionKey?: string; agentId?: string }): unknown;
}

/** Context keys already delivered by this process, oldest evicted first. */
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
  readonly delivered: DeliveredKeys;
  readonly logger: { info(fields: Readonly<Record<string, unknown>>, message: string): void; warn(fields: Readonly<Record<string, unknown>>, message: string): void };
}

/** `agent:<agentId>:…` → agentId (OpenClaw recommends passing it with the session key). */
export function agentIdOf(sessionKey: string): string | undefined {
  const match = /^agent:([^:]+):/i.exec(sessionKey);
  return match?.[1];
}

export function createGatewayActivities(deps: GatewayActivityDeps): GatewayActivities {
  return {
    async deliverSystemEvent(input: SystemEventDelivery) {
      const { sessionKey, contextKey } = input;
      if (deps.delivered.has(contextKey)) {
        deps.logger.info({ sessionKey, contextKey }, 'system event already delivered by this gateway; not enqueued again');
        return { enqueued: false, duplicate: true };
      }
      const agentId = agentIdOf(sessionKey);
      const enqueued = deps.system.enqueueSystemEvent(input.text, { sessionKey, ...(agentId && { agentId }), contextKey, replace: true });
      if (input.heartbeatReason !== null) {
        deps.system.requestHeartbeat({ source: 'other', intent: 'event', reason: input.heartbeatReason, sessionKey, ...(agentId && { agentId }) });
      }
      deps.delivered.add(contextKey);
      deps.logger.info({ sessionKey, contextKey, enqueued }, 'system event delivered');
      return { enqueued, duplicate: false };
    },
  };
}
