/**
 * One workflow per stable task key (`subagent-task/<taskKey>`): started when a worker spawn is accepted, it owns
 * the retry budget — which therefore survives gateway restarts — and runs each retry as its own child workflow.
 * Once it settles (succeeds, fails without a retry, exhausts its budget, or a retry goes unanswered) it stays
 * open, idle, so a later identical task continues its count; it completes when its requester ends or after
 * {@link TASK_FORGET_AFTER_MS} without events (histories recorded before `subagent-task-known`: when it settles).
 */
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import {
  retryRespawnedSignal,
  subagentRetryWorkflowId,
  taskEndedSignal,
  taskRequesterEndedSignal,
  taskSpawnedSignal,
  taskStateQuery,
  type SubagentTaskArgs,
} from './contract.ts';
import { applyEnded, applyRequesterEnded, applyRetryEndedAbnormally, applyRetryGaveUp, applyRetryNotPickedUp, applySpawned, describeTask, type TaskDecided, type TaskEffect } from './decide.ts';
import { deliverThroughGateway } from './gateway-proxy.ts';
import { subagentRetryWorkflow } from './retry-workflow.ts';
import { clock } from './redelivery.ts';
import { initialTaskState, isFinished, TASK_FORGET_AFTER_MS, type TaskState } from './state.ts';

export async function subagentTaskWorkflow(args: SubagentTaskArgs): Promise<TaskState> {
  let state: TaskState = args.state ?? initialTaskState(args.taskKey, args.requester, args.spec);
  const effects: TaskEffect[] = [];
  const apply = (decided: TaskDecided): void => {
    state = decided.state;
    effects.push(...decided.effects);
  };
  if (args.firstSpawn !== undefined && args.state === undefined) apply(applySpawned(state, args.firstSpawn, Date.now()));
  setHandler(taskStateQuery, () => state);
  setHandler(taskSpawnedSignal, (event) => apply(applySpawned(state, event, Date.now())));
  setHandler(taskEndedSignal, (event) => apply(applyEnded(state, event, Date.now())));
  setHandler(taskRequesterEndedSignal, ({ sessionKey }) => {
    state = applyRequesterEnded(state, sessionKey);
  });

  const perform = async (effect: TaskEffect): Promise<void> => {
    switch (effect.kind) {
      case 'startRetry': {
        const { attempt } = effect.args;
        const child = await startChild(subagentRetryWorkflow, {
          workflowId: subagentRetryWorkflowId(state.taskKey, attempt),
          args: [effect.args],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `retry ${attempt}/${effect.args.maxRetries} · ${state.spec.label ?? 'no-label'} · ${effect.args.outcome}`,
        });
        // A retry terminated, cancelled or failed by an operator is recorded; the task goes on (never unhandled).
        void child.result().then(
          (result) => {
            if (result.gaveUp === true) state = applyRetryGaveUp(state, attempt, result.deliveries ?? 1);
            else if (!result.pickedUp) state = applyRetryNotPickedUp(state, attempt);
          },
          (err: unknown) => {
            log.warn('retry workflow ended without a result', { workflowId: workflowInfo().workflowId, attempt, error: String(err) });
            state = applyRetryEndedAbnormally(state, attempt, err instanceof Error ? err.message : String(err));
          },
        );
        return;
      }
      case 'respawned':
        try {
          await getExternalWorkflowHandle(subagentRetryWorkflowId(state.taskKey, effect.attempt)).signal(retryRespawnedSignal, { childKey: effect.childKey });
        } catch (err) {
          // The retry already finished (it gave up waiting): the respawn still counts for the task.
          log.info('retry workflow no longer open for the respawn signal', { workflowId: workflowInfo().workflowId, attempt: effect.attempt, error: String(err) });
        }
        return;
      case 'notifyExhausted':
        if (state.config !== null) {
          await deliverThroughGateway(state.config.gatewayTaskQueue, { sessionKey: state.requester, text: effect.text, contextKey: effect.contextKey, heartbeatReason: null }, 'retries exhausted');
        }
        return;
      case 'warn':
        log.warn(effect.message, { workflowId: workflowInfo().workflowId, sessionKey: state.requester });
        return;
    }
  };

  const requesterEnded = (): boolean => state.status === 'ended';
  for (;;) {
    setCurrentDetails(describeTask(state));
    await condition(() => effects.length > 0 || isFinished(state));
    while (effects.length > 0) {
      const effect = effects.shift() as TaskEffect;
      await perform(effect);
    }
    if (isFinished(state) && effects.length === 0) {
      await condition(allHandlersFinished);
      if (effects.length > 0) continue;
      setCurrentDetails(describeTask(state));
      if (state.status === 'ended' || !patched('subagent-task-known')) return state;
      // Settled but still known: the same task spawned again reopens it with its retry count (the original's
      // count per task key never reset); forgotten when its requester ends or after a day without events.
      setCurrentDetails(`${describeTask(state)} · kept for a later identical task until ${clock(Date.now() + TASK_FORGET_AFTER_MS)} or its requester ends`);
      const touched = await condition(() => effects.length > 0 || !isFinished(state) || requesterEnded(), TASK_FORGET_AFTER_MS);
      if (!touched || (requesterEnded() && effects.length === 0)) return state;
    }
  }
}
