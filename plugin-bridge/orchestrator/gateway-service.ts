/**
 * The gateway activity worker as a plugin service: delivers the `<orchestrator-retry>` system events and
 * heartbeat requests that subagent-task workflows schedule on `openclaw-temporal-gateway/<gatewayId>`, through
 * this gateway's own `api.runtime.system`. A retry decided while the gateway was down waits on that queue and is
 * delivered when the gateway (and this service) comes back.
 */
import { createGatewayActivities, DeliveredKeys } from '../../activities/gateway.ts';
import { retrySettingsOf } from '../../workflows/orchestrator/config.ts';
import { gatewayTaskQueue } from '../../workflows/subagent/contract.ts';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import { GatewayActivityWorker } from '../shared/gateway-worker.ts';
import type { PluginService, PluginSystemRuntime } from '../shared/openclaw-types.ts';
import type { PluginSessionWorkflow } from '../../activities/gateway-host.ts';
import type { TemporalBridge } from '../shared/temporal-bridge.ts';
import { announceGatewayStart } from './gateway-start.ts';
import type { OrchestratorBridgeConfig } from './config.ts';

/**
 * `after` delays the worker's start: loading the worker SDK blocks the event loop for a while, and the thread
 * cache rebuild that runs at the same time must not time out because of it.
 */
export interface GatewayServiceDeps {
  readonly config: OrchestratorBridgeConfig;
  readonly system: PluginSystemRuntime;
  /** `api.session.workflow`: the persisted next-turn injection queue (absent: the in-memory system events). */
  readonly session: PluginSessionWorkflow | undefined;
  readonly bridge: TemporalBridge;
  readonly log: BridgeLogger;
  readonly after: Promise<void>;
}

export function gatewayActivityService({ config, system, session, bridge, log, after }: GatewayServiceDeps): PluginService {
  const taskQueue = gatewayTaskQueue(retrySettingsOf(config.policy).gatewayId);
  let worker: GatewayActivityWorker | null = null;
  return {
    id: 'orchestrator-gateway-activities',
    start() {
      worker = new GatewayActivityWorker({
        settings: config.temporal,
        taskQueue,
        activities: createGatewayActivities({ system, ...(session && { session }), delivered: new DeliveredKeys(), logger: log }),
        logger: log,
        onPolling: () => void announceGatewayStart(bridge, taskQueue, log),
      });
      const starting = worker;
      void after.then(() => {
        if (worker === starting) starting.start(); // not when the service stopped meanwhile
      });
    },
    async stop() {
      await worker?.stop();
      worker = null;
    },
  };
}
