/**
 * One retry of a failed worker task (`subagent-task/<taskKey>/retry-<n>`), a child of the task workflow and
 * visible on its own in the Web UI: a durable backoff timer, then the `<orchestrator-retry>` system event and a
 * heartbeat request delivered once through the gateway, then a wait for the respawn.
 */
import { condition, setCurrentDetails, setHandler } from '@temporalio/workflow';
import { retryRespawnedSignal, type SubagentRetryArgs, type SubagentRetryResult } from './contract.ts';
import { deliverThroughGateway } from './gateway-proxy.ts';
import { retryEventText } from './retry-text.ts';

/** Heartbeat reason of a retry, as the original sent it. */
export const RETRY_HEARTBEAT_REASON = 'orchestrator-subagent-retry';

export async function subagentRetryWorkflow(args: SubagentRetryArgs): Promise<SubagentRetryResult> {
  let respawnedChildKey: string | null = null;
  setHandler(retryRespawnedSignal, ({ childKey }) => {
    respawnedChildKey ??= childKey;
  });
  const label = `retry ${args.attempt}/${args.maxRetries} of ${args.failedChildKey} (${args.outcome})`;
  let delivered = false;
  if (args.backoffMs > 0) {
    setCurrentDetails(`${label}: backing off ${Math.round(args.backoffMs / 1000)} s before delivery`);
    await condition(() => respawnedChildKey !== null, args.backoffMs);
  }
  if (respawnedChildKey === null) {
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
  const pickedUp = await condition(() => respawnedChildKey !== null, args.pickupTimeoutMs);
  setCurrentDetails(pickedUp ? `${label}: picked up by ${respawnedChildKey}` : `${label}: not picked up within ${Math.round(args.pickupTimeoutMs / 1000)} s`);
  return { delivered, pickedUp, respawnedChildKey };
}
