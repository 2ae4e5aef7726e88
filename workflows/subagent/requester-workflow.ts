/**
 * `subagent-requester/<requesterKey>`: the durable child → task key record of a requester that belongs to no
 * orchestrator thread (issue 11, item 3). Started by the bridge with a signal-with-start on the requester's first
 * accepted worker spawn (sessions that never spawn cost nothing), it starts or signals the requester's
 * `subagent-task/<taskKey>` workflows exactly as a thread does, in event order. It completes when the requester's
 * session ends, or after {@link TASK_FORGET_AFTER_MS} without events (as a settled task forgets itself).
 */
import { allHandlersFinished, condition, continueAsNew, log, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { deliverTaskMessage } from '../orchestrator/task-delivery.ts';
import type { TaskMessage } from '../orchestrator/task-routing.ts';
import type { RetryConfig } from './contract.ts';
import {
  requesterEndedSignal,
  requesterSessionEndedSignal,
  requesterSpawnedSignal,
  requesterStateQuery,
  type SubagentRequesterArgs,
} from './requester-contract.ts';
import {
  applyRequesterEnded,
  applyRequesterSessionEnded,
  applyRequesterSpawned,
  describeRequester,
  initialRequesterState,
  type RequesterDecided,
  type RequesterState,
} from './requester-state.ts';
import { TASK_FORGET_AFTER_MS } from './state.ts';

/** History length past which the record continues as new (its state is small). */
const DEFAULT_MAX_HISTORY_EVENTS = 5000;

export async function subagentRequesterWorkflow(args: SubagentRequesterArgs): Promise<RequesterState> {
  let state: RequesterState = args.state ?? initialRequesterState(args.requester);
  const maxHistoryEvents = args.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  let events = 0;
  let chain: Promise<void> = Promise.resolve();
  /** Applies an event; its task messages go out one after another, in event order, and the handler waits for them. */
  const apply = (decided: RequesterDecided, config: RetryConfig | null): Promise<void> => {
    state = decided.state;
    events += 1;
    const messages: readonly TaskMessage[] = decided.messages;
    if (config === null) return chain;
    for (const message of messages) chain = chain.then(() => deliverTaskMessage(message, config));
    return chain;
  };
  setHandler(requesterStateQuery, () => state);
  setHandler(requesterSpawnedSignal, (event) => apply(applyRequesterSpawned(state, event), event.config));
  setHandler(requesterEndedSignal, (event) => apply(applyRequesterEnded(state, event), event.config));
  setHandler(requesterSessionEndedSignal, ({ sessionKey }) => apply(applyRequesterSessionEnded(state, sessionKey), state.config));

  const tooLong = (): boolean => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= maxHistoryEvents;
  for (;;) {
    setCurrentDetails(describeRequester(state));
    const seen = events;
    const touched = await condition(() => events !== seen || state.ended || tooLong(), TASK_FORGET_AFTER_MS);
    if (!touched || state.ended) {
      await condition(allHandlersFinished);
      setCurrentDetails(describeRequester(state));
      log.info('requester record completes', { workflowId: workflowInfo().workflowId, ended: state.ended, tasks: state.tasks.length });
      return state;
    }
    if (tooLong()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof subagentRequesterWorkflow>({ requester: state.requester, state, maxHistoryEvents });
    }
  }
}
