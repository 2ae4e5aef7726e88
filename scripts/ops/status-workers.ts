/**
 * The service side of `status`: how many workflows of each plugin run (visibility counts), and which workers
 * poll the project's task queues with which version (build id, Worker Deployment), from the server's poller list.
 */
import type { Client } from '@temporalio/client';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE, hostLedgerTaskQueue } from '../../workflows/shared/task-queues.ts';
import { gatewayTaskQueue } from '../../workflows/subagent/contract.ts';

/** Which plugin each workflow type belongs to (token-audit has no workflow). */
export const WORKFLOW_PLUGINS: Readonly<Record<string, string>> = {
  gateWorkflow: 'lorene-gate',
  gateSeenLedgerWorkflow: 'lorene-gate',
  usageLedgerWorkflow: 'usage-ledger',
  orchestratorThreadWorkflow: 'orchestrator',
  subagentTaskWorkflow: 'orchestrator',
  subagentRetryWorkflow: 'orchestrator',
  subagentRequesterWorkflow: 'orchestrator',
};

/** Running workflows of one plugin, by type. */
export interface PluginWorkflows {
  readonly plugin: string;
  readonly running: Readonly<Record<string, number>>;
}

/** One worker polling one of the project's task queues. */
export interface WorkerPoller {
  readonly taskQueue: string;
  readonly kind: 'workflow' | 'activity';
  readonly identity: string;
  /** The Worker Deployment version it polls as (`<deployment>.<build id>`), or the legacy build id, or null (unversioned). */
  readonly version: string | null;
  readonly lastAccessTime: string | null;
}

/** Counts the running workflows of every type in {@link WORKFLOW_PLUGINS}, grouped by plugin. */
export async function runningByPlugin(client: Client): Promise<PluginWorkflows[]> {
  const counted = await Promise.all(
    Object.entries(WORKFLOW_PLUGINS).map(async ([type, plugin]) => {
      const { count } = await client.workflow.count(`WorkflowType = "${type}" AND ExecutionStatus = "Running"`);
      return { type, plugin, count };
    }),
  );
  const byPlugin = new Map<string, Record<string, number>>();
  for (const { type, plugin, count } of counted) byPlugin.set(plugin, { ...byPlugin.get(plugin), [type]: count });
  return [...byPlugin].map(([plugin, running]) => ({ plugin, running }));
}

/** `temporal.api.enums.v1.WorkerVersioningMode.WORKER_VERSIONING_MODE_VERSIONED`. */
const VERSIONED = 2;

/** `temporal.api.enums.v1.TaskQueueType`: 1 workflow, 2 activity. */
const WORKFLOW = 1;
const ACTIVITY = 2;

/** The queues to describe: the workflow queue, the fixed ledger queue, and each gateway host's ledger and retry queues. */
function queuesOf(taskQueue: string, gatewayIds: readonly string[]): ReadonlyArray<{ name: string; kind: WorkerPoller['kind']; type: number }> {
  return [
    { name: taskQueue, kind: 'workflow' as const, type: WORKFLOW },
    { name: LEDGER_TASK_QUEUE, kind: 'activity' as const, type: ACTIVITY },
    ...gatewayIds.flatMap((id) => [
      { name: hostLedgerTaskQueue(id), kind: 'activity' as const, type: ACTIVITY },
      { name: gatewayTaskQueue(id), kind: 'activity' as const, type: ACTIVITY },
    ]),
  ];
}

/**
 * The pollers the server lists for the workflow and ledger task queues (`taskQueue` overrides the workflow queue's
 * name) and, for each of `gatewayIds`, that host's ledger queue and the orchestrator's retry-delivery queue (the server
 * cannot list queues, so hosts are named).
 */
export async function workerPollers(client: Client, taskQueue: string = WORKFLOW_TASK_QUEUE, gatewayIds: readonly string[] = []): Promise<WorkerPoller[]> {
  const pollers: WorkerPoller[] = [];
  for (const queue of queuesOf(taskQueue, gatewayIds)) {
    const name = queue.name;
    const response = await client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name }, taskQueueType: queue.type });
    for (const poller of response.pollers ?? []) {
      const deployment = poller.deploymentOptions;
      // An unversioned worker still reports a build id (the SDK's own, or a bundle hash): only a versioned one counts.
      const legacy = poller.workerVersionCapabilities?.useVersioning ? poller.workerVersionCapabilities.buildId || null : null;
      const version = deployment?.buildId && deployment.workerVersioningMode === VERSIONED ? `${deployment.deploymentName}.${deployment.buildId}` : legacy;
      const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
      pollers.push({ taskQueue: name, kind: queue.kind, identity: poller.identity ?? '', version, lastAccessTime: seconds > 0 ? new Date(seconds * 1000).toISOString() : null });
    }
  }
  return pollers;
}
