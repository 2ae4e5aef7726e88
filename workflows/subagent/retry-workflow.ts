/**
 * One retry of a failed worker task (`subagent-task/<taskKey>/retry-<n>`), a child of the task workflow and
 * visible on its own in the Web UI: a durable backoff timer, then the `<orchestrator-retry>` event and a wake
 * delivered through the gateway, then a wait for the respawn. A retry is done only when the respawn with the
 * same task key is accepted: until then it re-delivers on a durable schedule (never spending budget; the same
 * idempotency key, so a still-pending copy is not doubled), and wakes the requester again at once when a gateway
 * worker (re)starts (the event is stored with the session; only the wake died with the old process).
 */
import { condition, patched, setCurrentDetails, setHandler } from '@temporalio/workflow';
import { retryGatewayStartedSignal, retryRespawnedSignal, type SubagentRetryArgs, type SubagentRetryResult } from './contract.ts';
import { deliverThroughGateway } from './gateway-proxy.ts';
import { clock, ordinal, SINGLE_DELIVERY, waitAfterDeliveryMs, waitingDetails } from './redelivery.ts';
import { retryEventText } from './retry-text.ts';

/** Heartbeat reason of a retry, as the original sent it. */
export const RETRY_HEARTBEAT_REASON = 'orchestrator-subagent-retry';

export async function subagentRetryWorkflow(args: SubagentRetryArgs): Promise<SubagentRetryResult> {
  let respawnedChildKey = null as string | null;
  let gatewayStarts = 0;
  setHandler(retryRespawnedSignal, ({ childKey }) => {
    respawnedChildKey ??= childKey;
  });
  setHandler(retryGatewayStartedSignal, ({ taskQueue }) => {
    if (taskQueue === args.gatewayTaskQueue) gatewayStarts += 1;
  });
  const respawned = (): string | null => respawnedChildKey;
  const label = `retry ${args.attempt}/${args.maxRetries} of ${args.failedChildKey} (${args.outcome})`;
  if (!patched('retry-redelivery')) return legacyRetry(args, label, respawned);
  if (args.backoffMs > 0) {
    setCurrentDetails(`${label}: backing off ${Math.round(args.backoffMs / 1000)} s before delivery`);
    await condition(() => respawnedChildKey !== null, args.backoffMs);
  }
  const redelivery = args.redelivery ?? SINGLE_DELIVERY;
  let deliveries = 0;
  while (respawnedChildKey === null && deliveries < redelivery.maxDeliveries) {
    deliveries += 1;
    setCurrentDetails(`${label}: ${ordinal(deliveries)} delivery to ${args.requester}`);
    await deliver(args, deliveries, false);
    const deliveredAt = Date.now();
    const until = deliveredAt + waitAfterDeliveryMs(args.pickupTimeoutMs, redelivery, deliveries);
    const waiting = `${label}: ${waitingDetails(args.requester, deliveredAt, deliveries, redelivery.maxDeliveries, until)}`;
    setCurrentDetails(waiting);
    for (;;) {
      const starts = gatewayStarts;
      const left = until - Date.now();
      if (left <= 0 || !(await condition(() => respawnedChildKey !== null || gatewayStarts !== starts, left)) || respawnedChildKey !== null) break;
      await deliver(args, deliveries, true); // a gateway (re)started: the stored event stays, its wake request was lost
      setCurrentDetails(`${waiting}; woken again at ${clock(Date.now())} after a gateway start`);
    }
  }
  const pickedUp = respawned() !== null;
  setCurrentDetails(pickedUp ? `${label}: picked up by ${respawned()}` : `${label}: not picked up after ${deliveries} deliveries; gave up`);
  return { delivered: deliveries > 0, pickedUp, respawnedChildKey: respawned(), deliveries, gaveUp: !pickedUp };
}

function deliver(args: SubagentRetryArgs, delivery: number, wakeOnly: boolean): Promise<void> {
  const text = retryEventText({ failedChildKey: args.failedChildKey, outcome: args.outcome, attempt: args.attempt, maxRetries: args.maxRetries, spec: args.spec });
  return deliverThroughGateway(
    args.gatewayTaskQueue,
    { sessionKey: args.requester, text, contextKey: `orchestrator-retry:${args.taskKey}:${args.attempt}`, heartbeatReason: RETRY_HEARTBEAT_REASON, delivery, ...(wakeOnly && { wakeOnly }) },
    `retry ${args.attempt} → ${args.requester}${wakeOnly ? ' (wake after a gateway start)' : delivery > 1 ? ` (${ordinal(delivery)} delivery)` : ''}`,
  );
}

/** The retry as recorded before re-delivery (histories without the `retry-redelivery` patch): one delivery. */
async function legacyRetry(args: SubagentRetryArgs, label: string, respawned: () => string | null): Promise<SubagentRetryResult> {
  let delivered = false;
  if (args.backoffMs > 0) {
    setCurrentDetails(`${label}: backing off ${Math.round(args.backoffMs / 1000)} s before delivery`);
    await condition(() => respawned() !== null, args.backoffMs);
  }
  if (respawned() === null) {
    setCurrentDetails(`${label}: delivering the retry event to ${args.requester}`);
    const text = retryEventText({ failedChildKey: args.failedChildKey, outcome: args.outcome, attempt: args.attempt, maxRetries: args.maxRetries, spec: args.spec });
    await deliverThroughGateway(
      args.gatewayTaskQueue,
      { sessionKey: args.requester, text, contextKey: `orchestrator-retry:${args.taskKey}:${args.attempt}`, heartbeatReason: RETRY_HEARTBEAT_REASON },
      `retry ${args.attempt} → ${args.requester}`,
    );
    delivered = true;
    setCurrentDetails(`${label}: delivered; waiting for the respawn`);
  }
  const pickedUp = await condition(() => respawned() !== null, args.pickupTimeoutMs);
  setCurrentDetails(pickedUp ? `${label}: picked up by ${respawned()}` : `${label}: not picked up within ${Math.round(args.pickupTimeoutMs / 1000)} s`);
  return { delivered, pickedUp, respawnedChildKey: respawned() };
}
