/**
 * Workflow side of the task routing: starts a task workflow for a worker's first attempt (a child that outlives
 * the thread) and signals it afterwards. Delivered one message after another, in event order.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  getExternalWorkflowHandle,
  log,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { subagentTaskWorkflowId, taskEndedSignal, taskRequesterEndedSignal, taskSpawnedSignal, type RetryConfig } from '../subagent/contract.ts';
import type { subagentTaskWorkflow } from '../subagent/task-workflow.ts';
import { OPENCLAW_PLUGIN, OPENCLAW_TASK_KEY } from '../shared/search-attributes.ts';
import { ORCHESTRATOR_PLUGIN_ID } from './contract.ts';
import type { TaskMessage } from './task-routing.ts';

async function signalTask(message: TaskMessage, config: RetryConfig): Promise<void> {
  const handle = getExternalWorkflowHandle(subagentTaskWorkflowId(message.taskKey));
  switch (message.kind) {
    case 'spawned':
      return handle.signal(taskSpawnedSignal, { eventId: `spawned:${message.childKey}`, childKey: message.childKey, config });
    case 'ended':
      return handle.signal(taskEndedSignal, { eventId: `ended:${message.childKey}`, childKey: message.childKey, outcome: message.outcome, config });
    case 'requesterEnded':
      return handle.signal(taskRequesterEndedSignal, { sessionKey: message.requester });
  }
}

/**
 * Delivers one message. A task's first spawn starts its workflow; while that workflow is open (it stays open
 * after it settles, keeping its retry count) a later spawn of the same task only signals it. A task workflow that
 * closed (its requester ended, or it was forgotten after a day idle) is started afresh, as the original's
 * in-memory count started afresh after a gateway restart.
 */
export async function deliverTaskMessage(message: TaskMessage, config: RetryConfig): Promise<void> {
  const { workflowId } = workflowInfo();
  try {
    if (message.kind === 'spawned') {
      try {
        await startChild<typeof subagentTaskWorkflow>('subagentTaskWorkflow', {
          workflowId: subagentTaskWorkflowId(message.taskKey),
          args: [{ taskKey: message.taskKey, requester: message.requester, spec: message.spec, firstSpawn: { eventId: `spawned:${message.childKey}`, childKey: message.childKey, config } }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          staticSummary: `subagent task · ${message.spec.label ?? 'no-label'} · ${message.requester}`,
          typedSearchAttributes: [
            { key: OPENCLAW_PLUGIN, value: ORCHESTRATOR_PLUGIN_ID },
            { key: OPENCLAW_TASK_KEY, value: message.taskKey },
          ],
        });
        return;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
    await signalTask(message, config);
  } catch (err) {
    log.info('subagent task not reachable (already finished?)', { workflowId, taskKey: message.taskKey, kind: message.kind, error: String(err) });
  }
}
