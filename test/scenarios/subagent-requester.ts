/**
 * The per-requester record of worker spawns by a session in no thread (issue 11, item 3), for the replay fixtures:
 * a spawn, its failure (the task starts retry 1), the respawn, its success, a duplicate end, then the requester's
 * session ends and the record completes.
 */
import { subagentRetryWorkflowId, type RetryConfig } from '../../workflows/subagent/contract.ts';
import { retryTaskKey } from '../../workflows/orchestrator/lifecycle.ts';
import {
  requesterEndedSignal,
  requesterSessionEndedSignal,
  requesterSpawnedSignal,
  subagentRequesterWorkflowId,
  type SubagentRequesterArgs,
} from '../../workflows/subagent/requester-contract.ts';
import { recordingGateway } from '../helpers/gateway.ts';
import type { Scenario } from './types.ts';

const REQUESTER = 'agent:main:subagent:lone-rec';
const SPEC = { task: 'index the wiki', label: 'indexer', agentId: 'main' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const subagentRequesterScenarios: readonly Scenario[] = [
  {
    name: 'subagent-requester-record',
    async run(ctx) {
      const gw = recordingGateway(ctx.address, 'rec-subagent-requester-record');
      gw.worker.start();
      try {
        const config: RetryConfig = { autoRetryFailedSubagents: true, maxRetriesPerTask: 2, retryOutcomes: ['error', 'timeout'], backoff: { initialMs: 0, multiplier: 2, maxMs: 60_000 }, pickupTimeoutMs: 30_000, notifyRequesterOnExhausted: false, gatewayTaskQueue: gw.taskQueue };
        const spawned = (childKey: string) => ({ eventId: `spawned:${childKey}`, childKey, spec: SPEC, config });
        const handle = await ctx.client.workflow.signalWithStart('subagentRequesterWorkflow', {
          workflowId: subagentRequesterWorkflowId(REQUESTER),
          taskQueue: 'openclaw-temporal',
          args: [{ requester: REQUESTER } satisfies SubagentRequesterArgs],
          signal: requesterSpawnedSignal,
          signalArgs: [spawned('c1')],
        });
        await handle.signal(requesterEndedSignal, { eventId: 'ended:c1', childKey: 'c1', outcome: 'error', config });
        const retry = ctx.client.workflow.getHandle(subagentRetryWorkflowId(retryTaskKey(REQUESTER, SPEC), 1));
        for (let i = 0; i < 100 && (await retry.describe().then(() => false, () => true)); i += 1) await sleep(100);
        await handle.signal(requesterSpawnedSignal, spawned('c2'));
        await handle.signal(requesterEndedSignal, { eventId: 'ended:c2', childKey: 'c2', outcome: 'ok', config });
        await handle.signal(requesterEndedSignal, { eventId: 'ended:c2', childKey: 'c2', outcome: 'ok', config });
        await retry.result();
        await handle.signal(requesterSessionEndedSignal, { sessionKey: REQUESTER });
        await handle.result();
        return { workflowId: handle.workflowId };
      } finally {
        await gw.worker.stop();
      }
    },
  },
];
