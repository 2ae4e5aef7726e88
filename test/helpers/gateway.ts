/**
 * A gateway stand-in for workflow tests and recordings: the plugin's real gateway activity worker class and the
 * real gateway activities, over a recording `api.runtime.system` and `api.session.workflow` (the one fake:
 * OpenClaw's queues; the OpenClaw tests use the real ones). The injection queue keeps OpenClaw's rule: a pending
 * injection with the same idempotency key is not added again; `takeTurn` drains a session like a turn does.
 */
import { createGatewayActivities, DeliveredKeys, type GatewaySystemRuntime } from '../../activities/gateway.ts';
import type { NextTurnInjection, NextTurnInjectionResult, PluginSessionWorkflow } from '../../activities/gateway-host.ts';
import { GatewayActivityWorker } from '../../plugin-bridge/shared/gateway-worker.ts';
import { gatewayTaskQueue } from '../../workflows/subagent/contract.ts';

/** One stored event (an injection newly enqueued, or a system event). */
export interface RecordedEvent { text: string; sessionKey: string; contextKey?: string | null; at: number }

/** Records what the gateway activities asked OpenClaw's runtime to do. */
export class RecordingSystemRuntime implements GatewaySystemRuntime, PluginSessionWorkflow {
  /** Every injection that was newly stored (duplicates of a pending one are not). */
  readonly events: RecordedEvent[] = [];
  readonly heartbeats: Array<{ reason?: string; sessionKey?: string; source: string; intent: string }> = [];
  /** Enqueue calls, duplicates included. */
  calls = 0;
  /** The answer OpenClaw gives, e.g. `{ enqueued: false, id: '' }` for a session it does not know. */
  refuse = false;
  readonly #pending = new Map<string, RecordedEvent[]>();

  enqueueSystemEvent(text: string, options: { sessionKey: string; contextKey?: string | null }): boolean {
    this.events.push({ text, ...options, at: Date.now() });
    return true;
  }

  async enqueueNextTurnInjection(injection: NextTurnInjection): Promise<NextTurnInjectionResult> {
    this.calls += 1;
    const { sessionKey } = injection;
    if (this.refuse) return { enqueued: false, id: '', sessionKey };
    const pending = this.#pending.get(sessionKey) ?? [];
    const id = injection.idempotencyKey ?? `inj-${this.calls}`;
    if (pending.some((p) => p.contextKey === id)) return { enqueued: false, id, sessionKey };
    const event = { text: injection.text, sessionKey, contextKey: id, at: Date.now() };
    this.#pending.set(sessionKey, [...pending, event]);
    this.events.push(event);
    return { enqueued: true, id, sessionKey };
  }

  /** The session's next turn: what it sees, drained. */
  takeTurn(sessionKey: string): RecordedEvent[] {
    const seen = this.#pending.get(sessionKey) ?? [];
    this.#pending.delete(sessionKey);
    return seen;
  }

  requestHeartbeat(options: { source: string; intent: string; reason?: string; sessionKey?: string }): void {
    this.heartbeats.push(options);
  }
}

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A gateway with id `gatewayId` polling its own task queue on the server at `address` (call `worker.start()`). */
export function recordingGateway(address: string, gatewayId: string, system = new RecordingSystemRuntime()): { system: RecordingSystemRuntime; worker: GatewayActivityWorker; taskQueue: string } {
  const taskQueue = gatewayTaskQueue(gatewayId);
  const worker = new GatewayActivityWorker({
    settings: { address, namespace: 'default' },
    taskQueue,
    activities: createGatewayActivities({ system, session: system, delivered: new DeliveredKeys(), logger: quiet }),
    logger: quiet,
    retryDelayMs: 200,
  });
  return { system, worker, taskQueue };
}
