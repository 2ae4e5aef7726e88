/**
 * Workflow interceptors that count what the workflows decided, through the SDK's workflow metric meter (exported
 * by the worker's Prometheus endpoint when metrics are on; nothing otherwise). They add no command to any
 * history, and the meter records nothing while a workflow replays, so a decision is counted once.
 *
 * - `openclaw_workflow_decisions{plugin, outcome, reason}`: the gate's outbound answers (`deliver`/`cancel` with
 *   the gate's reason) and the orchestrator thread's tool-call answers (`allow`/`block`/`rewrite`); an update the
 *   workflow rejected counts as `rejected`.
 * - `openclaw_retry_deliveries{outcome}`: `<orchestrator-retry>` events handed to a gateway (`delivered`, or
 *   `failed` once the activity gave up).
 */
import { metricMeter, type WorkflowInterceptors } from '@temporalio/workflow';

const GATE_OUTBOUND = 'lorene-gate.outbound';
const TOOL_CALL = 'orchestrator.tool-call';
const DELIVER_SYSTEM_EVENT = 'deliverSystemEvent';

function gateOutcome(result: unknown): { outcome: string; reason: string } {
  const decision = result as { action?: unknown; reason?: unknown } | null;
  return { outcome: String(decision?.action ?? 'unknown'), reason: String(decision?.reason ?? '') };
}

function toolOutcome(result: unknown): { outcome: string; reason: string } {
  const decision = (result as { decision?: { block?: boolean; params?: unknown } } | null)?.decision;
  const outcome = decision?.block === true ? 'block' : decision?.params !== undefined ? 'rewrite' : 'allow';
  return { outcome, reason: '' };
}

const PLUGINS: Readonly<Record<string, { plugin: string; read: (result: unknown) => { outcome: string; reason: string } }>> = {
  [GATE_OUTBOUND]: { plugin: 'lorene-gate', read: gateOutcome },
  [TOOL_CALL]: { plugin: 'orchestrator', read: toolOutcome },
};

/** The interceptors of every workflow the worker bundles (`workflowInterceptorModules`). */
export const interceptors = (): WorkflowInterceptors => {
  const decisions = metricMeter.createCounter('openclaw_workflow_decisions', 'decisions', 'Decisions the workflows answered, by plugin and outcome.');
  const deliveries = metricMeter.createCounter('openclaw_retry_deliveries', 'deliveries', 'Retry events handed to a gateway, by outcome.');
  // Each handler returns the SDK's own promise, untouched, and counts on a side branch: wrapping it (`await next()`)
  // would resolve an update one microtask later than the histories recorded without these interceptors, which
  // reorders its completion among the activation's commands (a non-determinism error on replay).
  return {
    inbound: [
      {
        handleUpdate(input, next) {
          const known = PLUGINS[input.name];
          const answer = next(input);
          if (known !== undefined) {
            answer.then(
              (result) => decisions.add(1, { plugin: known.plugin, ...known.read(result) }),
              () => decisions.add(1, { plugin: known.plugin, outcome: 'rejected', reason: '' }),
            );
          }
          return answer;
        },
      },
    ],
    outbound: [
      {
        scheduleActivity(input, next) {
          const result = next(input);
          if (input.activityType === DELIVER_SYSTEM_EVENT) {
            result.then(
              () => deliveries.add(1, { outcome: 'delivered' }),
              () => deliveries.add(1, { outcome: 'failed' }),
            );
          }
          return result;
        },
      },
    ],
  };
};
