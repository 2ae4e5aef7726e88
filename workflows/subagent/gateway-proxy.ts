/**
 * The gateway activity proxy of workflow code: system events are delivered by the activity worker that runs
 * inside the OpenClaw gateway, on its own task queue. While the gateway is down the activity simply waits on
 * that queue (no schedule-to-start limit) and runs when it comes back; failures are retried without limit.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { GatewayActivities, SystemEventDelivery } from './contract.ts';

/** Delivers one system event through the gateway listening on `taskQueue`. */
export async function deliverThroughGateway(taskQueue: string, delivery: SystemEventDelivery, summary: string): Promise<void> {
  const gateway = proxyActivities<GatewayActivities>({
    taskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
    summary,
  });
  await gateway.deliverSystemEvent(delivery);
}
