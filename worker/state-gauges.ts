/**
 * Gauges of the durable state, for the worker's Prometheus endpoint: how many workflows of each kind are open
 * (gates, threads, subagent tasks, retries waiting for their respawn, …). They come from a visibility count
 * every `intervalMs`, so they are right across worker restarts (a counter kept in the worker would not be).
 * Only started when metrics are on.
 */
import { Runtime, type NativeConnection } from '@temporalio/worker';
import type { WorkerLogger } from './workers.ts';

/** The workflow types counted, by their registered names. */
export const COUNTED_WORKFLOW_TYPES = [
  'gateWorkflow',
  'gateSeenLedgerWorkflow',
  'usageLedgerWorkflow',
  'orchestratorThreadWorkflow',
  'subagentTaskWorkflow',
  'subagentRetryWorkflow',
  'subagentRequesterWorkflow',
] as const;

/** Stops the polling. */
export type StopGauges = () => void;

/**
 * Sets `openclaw_open_workflows{workflow_type}` now and every `intervalMs`. A failed count is logged at debug
 * and the gauge keeps its last value.
 */
export function startStateGauges(connection: NativeConnection, namespace: string, logger: WorkerLogger, intervalMs = 15_000): StopGauges {
  const gauge = Runtime.instance().metricMeter.createGauge('openclaw_open_workflows', 'int', 'workflows', 'Running workflows of this project, by type (a visibility count).');
  let stopped = false;
  const poll = async () => {
    for (const type of COUNTED_WORKFLOW_TYPES) {
      if (stopped) return;
      try {
        const query = `WorkflowType = "${type}" AND ExecutionStatus = "Running"`;
        const { count } = await connection.workflowService.countWorkflowExecutions({ namespace, query });
        gauge.set(Number(count ?? 0), { workflow_type: type });
      } catch (err) {
        logger.debug({ err, type }, 'counting open workflows failed; the gauge keeps its last value');
      }
    }
  };
  const timer = setInterval(() => void poll(), intervalMs);
  timer.unref();
  void poll();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
