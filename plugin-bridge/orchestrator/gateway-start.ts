/**
 * A gateway's activity worker started polling: every retry still waiting for its respawn is told, and the ones
 * delivered through this gateway's task queue deliver again at once — the wake request (and, on hosts without
 * the persisted injection queue, the event itself) went away with the previous gateway process.
 */
import { retryGatewayStartedSignal, SUBAGENT_RETRY_WORKFLOW_TYPE } from '../../workflows/subagent/contract.ts';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { TemporalBridge } from '../shared/temporal-bridge.ts';

/** How long the announcement may take in all (listing plus one signal per waiting retry). */
const ANNOUNCE_TIMEOUT_MS = 60_000;

/** Signals every running retry workflow; never throws (a failure is logged: the schedule re-delivers anyway). */
export async function announceGatewayStart(bridge: TemporalBridge, taskQueue: string, log: BridgeLogger): Promise<number> {
  const query = `WorkflowType = "${SUBAGENT_RETRY_WORKFLOW_TYPE}" AND ExecutionStatus = "Running"`;
  try {
    const signalled = await bridge.call('announce gateway start', Date.now() + ANNOUNCE_TIMEOUT_MS, async (client) => {
      let count = 0;
      for await (const execution of client.workflow.list({ query })) {
        try {
          await client.workflow.getHandle(execution.workflowId, execution.runId).signal(retryGatewayStartedSignal, { taskQueue });
          count += 1;
        } catch (err) {
          log.debug({ workflowId: execution.workflowId, err }, 'retry closed before the gateway start reached it');
        }
      }
      return count;
    });
    log.info({ taskQueue, signalled }, 'gateway start announced to waiting retries');
    return signalled;
  } catch (err) {
    log.warn({ taskQueue, err }, 'could not announce the gateway start to waiting retries; their schedule re-delivers');
    return 0;
  }
}
