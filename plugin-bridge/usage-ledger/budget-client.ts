/**
 * The budgets' two Temporal calls: Signal-With-Start of `usage-budget/<agent>/<period>` with usage rows (from the
 * usage delivery path, after the ledger accepted the batch), and the state query the gateway caches. Neither runs
 * on a model call's path.
 */
import { budgetRecordsSignal, budgetStateQuery, budgetWorkflowId, USAGE_BUDGET_PLUGIN_ID, USAGE_BUDGET_WORKFLOW_TYPE, type BudgetRecordsEvent, type BudgetSnapshot, type BudgetUsage, type BudgetWorkflowArgs } from '../../workflows/budget/contract.ts';
import type { usageBudgetWorkflow } from '../../workflows/budget/workflow.ts';
import { OPENCLAW_AGENT, OPENCLAW_PLUGIN } from '../../workflows/shared/search-attributes.ts';
import type { TemporalBridge } from '../shared/temporal-bridge.ts';
import type { ConfiguredBudget } from './budget-config.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';

/** The rows of `records` a budget counts: its agent's, in sessions its pattern matches. */
export function budgetUsageOf(budget: ConfiguredBudget, ledgerId: string, records: readonly UsageRecord[]): BudgetUsage[] {
  if (ledgerId !== budget.spec.agent) return [];
  return records
    .filter((r) => budget.sessionKeyPattern === null || budget.sessionKeyPattern.test(r.sessionKey ?? ''))
    .map((r) => ({ eventId: r.eventId, ts: r.ts, tokens: r.totalTokens, costUsd: r.costTotal ?? null }));
}

export class BudgetClient {
  constructor(
    private readonly bridge: TemporalBridge,
    private readonly taskQueue: string,
  ) {}

  /** Delivers rows (possibly none: that only starts the budget and updates its limits) to the budget's workflow. */
  async deliver(budget: ConfiguredBudget, records: readonly BudgetUsage[], deadline: number): Promise<void> {
    const args: BudgetWorkflowArgs = { spec: budget.spec };
    await this.bridge.call('usage-budget.records', deadline, (client) =>
      client.workflow.signalWithStart<typeof usageBudgetWorkflow, [BudgetRecordsEvent]>(USAGE_BUDGET_WORKFLOW_TYPE, {
        workflowId: budgetWorkflowId(budget.spec),
        taskQueue: this.taskQueue,
        args: [args],
        signal: budgetRecordsSignal,
        signalArgs: [{ spec: budget.spec, records }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        staticSummary: `usage-budget · ${budget.id}`,
        staticDetails: `Usage budget \`${budget.id}\` (${budget.spec.mode}): counts the agent's usage rows once each (by event id) into the current period and rolls the period on a timer. Signal: usage-budget.records; query: usage-budget.state. The gateway enforces it from a cached copy of the state.`,
        typedSearchAttributes: [{ key: OPENCLAW_PLUGIN, value: USAGE_BUDGET_PLUGIN_ID }, { key: OPENCLAW_AGENT, value: budget.spec.agent }],
      }),
    );
  }

  /** The budget's current state (rejects when the workflow does not exist or no worker answers in time). */
  async snapshot(budget: ConfiguredBudget, deadline: number): Promise<BudgetSnapshot> {
    return this.bridge.call('usage-budget.state', deadline, (client) => client.workflow.getHandle(budgetWorkflowId(budget.spec)).query(budgetStateQuery));
  }
}
