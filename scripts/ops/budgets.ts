/**
 * The usage budgets as Temporal holds them, for `npm run ops -- status` and `npm run usage -- --budget`: every
 * running `usage-budget/<agent>/<period>` workflow, asked for its state with a bounded query. A budget that cannot
 * answer (no worker running) is listed with the reason.
 */
import type { Client } from '@temporalio/client';
import { budgetStateQuery, USAGE_BUDGET_WORKFLOW_TYPE, type BudgetSnapshot } from '../../workflows/budget/contract.ts';

const QUERY_TIMEOUT_MS = 5000;

export interface BudgetStatus {
  readonly workflowId: string;
  /** Null when the workflow did not answer; `line` says why. */
  readonly snapshot: BudgetSnapshot | null;
  readonly line: string;
}

/** Every running budget workflow with its state, by workflow id. */
export async function collectBudgets(client: Client): Promise<BudgetStatus[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowType = "${USAGE_BUDGET_WORKFLOW_TYPE}" AND ExecutionStatus = "Running"` })) ids.push(execution.workflowId);
  const budgets: BudgetStatus[] = [];
  for (const workflowId of ids.sort()) {
    try {
      const snapshot = await client.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => client.workflow.getHandle(workflowId).query(budgetStateQuery));
      budgets.push({ workflowId, snapshot, line: snapshot.details });
    } catch (err) {
      budgets.push({ workflowId, snapshot: null, line: `(no answer: ${err instanceof Error ? err.message : String(err)} — is a worker running?)` });
    }
  }
  return budgets;
}

/** One line per budget: `REACHED`/`ok` (or `?` without an answer), its mode, id and details. */
export function formatBudgets(budgets: readonly BudgetStatus[]): string {
  const lines = [`Usage budgets (${budgets.length}, ${budgets.filter((b) => (b.snapshot?.used ?? 0) >= 1).length} reached)`];
  for (const b of budgets) {
    const state = b.snapshot === null ? '?      ' : b.snapshot.used >= 1 ? 'REACHED' : `${String(Math.floor(b.snapshot.used * 100)).padStart(3)} %  `;
    lines.push(`  ${state}  ${(b.snapshot?.spec.mode ?? '').padEnd(5)}  ${b.workflowId}  ${b.line}`);
  }
  return `${lines.join('\n')}\n`;
}
