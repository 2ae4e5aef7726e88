/**
 * Usage budget scenarios for the replay fixtures: counting rows once (a repeated delivery), the timer rolling a
 * short period, and continue-as-new under steady signals. Each feeds the workflow through the plugin's
 * `BudgetClient`, as the gateway's BudgetKeeper does.
 */
import { BudgetClient } from '../../plugin-bridge/usage-ledger/budget-client.ts';
import { parseBudgets } from '../../plugin-bridge/usage-ledger/budget-config.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { budgetRecordsSignal, budgetStateQuery, budgetWorkflowId, USAGE_BUDGET_WORKFLOW_TYPE, type BudgetRecordsEvent, type BudgetUsage, type BudgetSnapshot } from '../../workflows/budget/contract.ts';
import type { usageBudgetWorkflow } from '../../workflows/budget/workflow.ts';
import type { RecordedRun, Scenario, ScenarioContext } from './types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deadline = () => Date.now() + 10_000;
const rows = (prefix: string, n: number): BudgetUsage[] => Array.from({ length: n }, (_, i) => ({ eventId: `${prefix}-${i}`, ts: Date.now(), tokens: 1100, costUsd: 0.006 }));

async function waitFor(ctx: ScenarioContext, workflowId: string, done: (s: BudgetSnapshot) => boolean): Promise<void> {
  const handle = ctx.client.workflow.getHandle(workflowId);
  for (let i = 0; i < 300; i += 1) {
    if (done(await handle.query(budgetStateQuery))) return;
    await sleep(100);
  }
  throw new Error(`scenario condition not reached for ${workflowId}`);
}

export const budgetScenarios: readonly Scenario[] = [
  {
    name: 'budget-count-and-roll',
    async run(ctx): Promise<RecordedRun> {
      const bridge = new TemporalBridge({ address: ctx.address, namespace: 'default' });
      bridge.start();
      try {
        const [budget] = parseBudgets({ enabled: true, limits: [{ agent: 'replay-roll', usd: 0.01, periodSeconds: 5, mode: 'block' }] }).limits;
        if (budget === undefined) throw new Error('one budget configured');
        const client = new BudgetClient(bridge, 'openclaw-temporal');
        const first = rows('roll', 2);
        await client.deliver(budget, first, deadline());
        await client.deliver(budget, [...first, ...rows('roll-more', 1)], deadline()); // a resent batch: counted once
        const workflowId = budgetWorkflowId(budget.spec);
        await waitFor(ctx, workflowId, (s) => s.spentTokens === 3300);
        await waitFor(ctx, workflowId, (s) => s.spentTokens === 0); // the timer rolled the period
        await client.deliver(budget, rows('roll-next', 1), deadline());
        await waitFor(ctx, workflowId, (s) => s.spentTokens === 1100);
        return { workflowId };
      } finally {
        await bridge.stop();
      }
    },
  },
  {
    name: 'budget-continue-as-new',
    async run(ctx): Promise<RecordedRun> {
      const [budget] = parseBudgets({ enabled: true, limits: [{ agent: 'replay-can', tokens: 1_000_000, period: 'day', mode: 'warn' }] }).limits;
      if (budget === undefined) throw new Error('one budget configured');
      const workflowId = budgetWorkflowId(budget.spec);
      for (let i = 0; i < 12; i += 1) {
        await ctx.client.workflow.signalWithStart<typeof usageBudgetWorkflow, [BudgetRecordsEvent]>(USAGE_BUDGET_WORKFLOW_TYPE, {
          workflowId, taskQueue: 'openclaw-temporal', args: [{ spec: budget.spec, maxHistoryEvents: 20 }],
          signal: budgetRecordsSignal, signalArgs: [{ spec: budget.spec, records: rows(`can${i}`, 3) }],
        });
        await sleep(50);
      }
      await waitFor(ctx, workflowId, (s) => s.spentTokens === 12 * 3 * 1100);
      const runs: { runId: string; status: string; started: number }[] = [];
      for await (const run of ctx.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push({ runId: run.runId, status: run.status.name, started: run.startTime.getTime() });
      const sorted = runs.sort((a, b) => a.started - b.started);
      if (sorted[0]?.status !== 'CONTINUED_AS_NEW') throw new Error(`the first run did not continue as new (${sorted.map((r) => r.status).join(', ')})`);
      return { workflowId, runId: sorted[0].runId };
    },
  },
];
