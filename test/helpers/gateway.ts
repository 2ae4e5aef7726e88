/**
 * A gateway stand-in for workflow tests and recordings: the plugin's real gateway activity worker class and the
 * real gateway activities, over a recording `api.runtime.system` (the one fake: OpenClaw's system event queue;
 * the OpenClaw tests use the real one).
 */
import { createGatewayActivities, DeliveredKeys, type GatewaySystemRuntime } from '../../activities/gateway.ts';
import { GatewayActivityWorker } from '../../plugin-bridge/shared/gateway-worker.ts';
import { gatewayTaskQueue } from '../../workflows/subagent/contract.ts';

/** Records what the gateway activities asked OpenClaw's system runtime to do. */
export class RecordingSystemRuntime implements GatewaySystemRuntime {
  readonly events: Array<{ text: string; sessionKey: string; contextKey?: string | null; replace?: boolean; at: number }> = [];
  readonly heartbeats: Array<{ reason?: string; sessionKey?: string; source: string; intent: string }> = [];
  enqueueSystemEvent(text: string, options: { sessionKey: string; contextKey?: string | null; replace?: boolean }): boolean {
    this.events.push({ text, ...options, at: Date.now() });
    return true;
  }
  requestHeartbeat(options: { source: string; intent: string; reason?: string; sessionKey?: string }): void {
    this.heartbeats.push(options);
  }
}

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A gateway with id `gatewayId` polling its own task queue on the server at `address` (call `worker.start()`). */
export function recordingGateway(address: string, gatewayId: string): { system: RecordingSystemRuntime; worker: GatewayActivityWorker; taskQueue: string } {
  const system = new RecordingSystemRuntime();
  const taskQueue = gatewayTaskQueue(gatewayId);
  const worker = new GatewayActivityWorker({
    settings: { address, namespace: 'default' },
    taskQueue,
    activities: createGatewayActivities({ system, delivered: new DeliveredKeys(), logger: quiet }),
    logger: quiet,
    retryDelayMs: 200,
  });
  return { system, worker, taskQueue };
}
