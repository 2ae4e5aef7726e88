/**
 * One budget (`usage-budget/<agent>/<period>`): a long-lived entity workflow. The gateway signals it the usage
 * rows of its agent; it counts each row once (by event id) into the current period, and a timer on workflow
 * time rolls the period at its end (local midnight in the budget's time zone, or after `periodSeconds`). The
 * gateway reads its snapshot with a query and enforces the budget locally from that cached copy. No activities.
 */
import { allHandlersFinished, condition, continueAsNew, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { OPENCLAW_AGENT, OPENCLAW_PLUGIN } from '../shared/search-attributes.ts';
import { budgetRecordsSignal, budgetStateQuery, USAGE_BUDGET_PLUGIN_ID, type BudgetWorkflowArgs } from './contract.ts';
import { describeBudget, initialBudgetState, receiveUsage, rollPeriod, snapshotOf } from './decide.ts';
import type { BudgetState } from './state.ts';

/** @default history events before continue-as-new */
export const DEFAULT_BUDGET_MAX_HISTORY_EVENTS = 2000;
/** @default history bytes before continue-as-new: a signal carries up to a batch of rows, so size can come first */
export const DEFAULT_BUDGET_MAX_HISTORY_BYTES = 4 * 1024 * 1024;

export async function usageBudgetWorkflow(args: BudgetWorkflowArgs): Promise<void> {
  let state: BudgetState = args.state ?? initialBudgetState(args.spec, Date.now());
  const maxHistoryEvents = args.maxHistoryEvents ?? DEFAULT_BUDGET_MAX_HISTORY_EVENTS;
  let changed = false;

  setHandler(budgetStateQuery, () => snapshotOf(rollPeriod(state, Date.now())));
  setHandler(budgetRecordsSignal, (event) => {
    state = receiveUsage(rollPeriod(state, Date.now()), event);
    changed = true;
  });

  const attributes = workflowInfo().typedSearchAttributes;
  if (attributes.get(OPENCLAW_PLUGIN) === undefined || attributes.get(OPENCLAW_AGENT) === undefined) {
    upsertSearchAttributes([{ key: OPENCLAW_PLUGIN, value: USAGE_BUDGET_PLUGIN_ID }, { key: OPENCLAW_AGENT, value: state.spec.agent }]);
  }

  const shouldContinueAsNew = (): boolean => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents || info.historySize >= DEFAULT_BUDGET_MAX_HISTORY_BYTES;
  };

  for (;;) {
    state = rollPeriod(state, Date.now());
    setCurrentDetails(describeBudget(state));
    changed = false;
    // Wakes on a delivery, at the end of the period (the timer), or when the history should be cut.
    await condition(() => changed || shouldContinueAsNew(), Math.max(1, state.periodEnd - Date.now()));
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof usageBudgetWorkflow>({ spec: state.spec, state: rollPeriod(state, Date.now()), maxHistoryEvents });
    }
  }
}
