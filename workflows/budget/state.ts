/**
 * A budget workflow's state: one plain JSON value, what continue-as-new carries. Sums are of the current period
 * only; the ids of counted records are remembered (bounded) so a repeated delivery never counts twice.
 */
import type { BudgetPeriodTotals } from './contract.ts';

export interface BudgetState extends BudgetPeriodTotals {
  /** Event ids counted, newest last, at most {@link BUDGET_DEDUPE_WINDOW} (kept across periods). */
  readonly countedIds: readonly string[];
  /** Rows dropped as repeats, and rows from a period already rolled over (all periods). */
  readonly duplicates: number;
  readonly late: number;
  /** Periods rolled so far: before the first roll every row counts (it may predate the workflow's start). */
  readonly rolls: number;
}

/**
 * Event ids remembered. Repeats come from a batch delivered again after a lost answer or from the outbox, within
 * minutes; a period's rows beyond this many would be a burst far above any budget.
 */
export const BUDGET_DEDUPE_WINDOW = 5000;
