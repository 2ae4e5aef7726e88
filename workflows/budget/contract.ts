/**
 * The usage budget contract: what the gateway bridge sends to a budget workflow and what it reads back. One
 * workflow per budget, `usage-budget/<agent>/<period>`, fed by the usage records of the agent. Wire names are
 * frozen: recorded histories contain them.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BudgetState } from './state.ts';

/** The value of the `OpenClawPlugin` search attribute of every budget workflow (budgets belong to usage-ledger). */
export const USAGE_BUDGET_PLUGIN_ID = 'usage-ledger';
/** The workflow type name (the exported function's name in workflows/index.ts). */
export const USAGE_BUDGET_WORKFLOW_TYPE = 'usageBudgetWorkflow';

/** Calendar periods, in the budget's time zone; a week starts on Monday. */
export type CalendarPeriod = 'day' | 'week' | 'month';

/** One budget as configured (usage-ledger config `budgets.limits[]`), resolved. */
export interface BudgetSpec {
  /** The agent's ledger id (see `usageLedgerIdOf`). */
  readonly agent: string;
  readonly period: CalendarPeriod;
  /** Fixed periods of this many seconds from the budget's first start instead of calendar ones (tests, hourly limits). */
  readonly periodSeconds: number | null;
  /** IANA time zone of the calendar periods. */
  readonly timeZone: string;
  /** Limit in USD (cost of priced rows), or null. */
  readonly limitUsd: number | null;
  /** Limit in total tokens, or null. */
  readonly limitTokens: number | null;
  readonly mode: 'warn' | 'block';
}

/** What a budget counts of one usage row. */
export interface BudgetUsage {
  /** The usage record's event id: a record counts once, however often it is delivered. */
  readonly eventId: string;
  /** When the gateway observed it (epoch ms): a row from before the current period does not count. */
  readonly ts: number;
  readonly tokens: number;
  /** Null when the row's price is unknown (counted in `unpriced`, never guessed). */
  readonly costUsd: number | null;
}

/** One delivery: the current spec (a changed limit or mode applies at once) and new usage rows. */
export interface BudgetRecordsEvent {
  readonly spec: BudgetSpec;
  readonly records: readonly BudgetUsage[];
}

/** Arguments of the budget workflow; `state` only from continue-as-new. */
export interface BudgetWorkflowArgs {
  readonly spec: BudgetSpec;
  readonly state?: BudgetState;
  /** Continue as new after this many history events. @default 2000 */
  readonly maxHistoryEvents?: number;
}

/** A budget's current period and what it has counted: shared by the workflow's state and its snapshot. */
export interface BudgetPeriodTotals {
  readonly spec: BudgetSpec;
  /** Epoch ms, inclusive. */
  readonly periodStart: number;
  /** Epoch ms, exclusive: the timer rolls the period here. */
  readonly periodEnd: number;
  readonly spentUsd: number;
  readonly spentTokens: number;
  /** Rows of this period without a known cost. */
  readonly unpriced: number;
}

/** What the bridge caches and decides on; also `npm run usage -- --budget` and `ops status`. */
export interface BudgetSnapshot extends BudgetPeriodTotals {
  readonly budgetId: string;
  /** The larger of the USD and token fractions used (0 without limits). */
  readonly used: number;
  /** "agent main: $3.12 of $5.00 today, resets 00:00 Europe/Berlin". */
  readonly details: string;
}

export const budgetRecordsSignal = defineSignal<[BudgetRecordsEvent]>('usage-budget.records');
export const budgetStateQuery = defineQuery<BudgetSnapshot>('usage-budget.state');

/** The period's part of the id: `day`, `week`, `month`, or `<n>s` for fixed periods. */
export function periodName(spec: Pick<BudgetSpec, 'period' | 'periodSeconds'>): string {
  return spec.periodSeconds === null ? spec.period : `${spec.periodSeconds}s`;
}

/** `<agent>/<period>`, the budget's name in logs and block reasons. */
export function budgetIdOf(spec: Pick<BudgetSpec, 'agent' | 'period' | 'periodSeconds'>): string {
  return `${spec.agent}/${periodName(spec)}`;
}

/** Workflow id `usage-budget/<agent>/<period>`. */
export function budgetWorkflowId(spec: Pick<BudgetSpec, 'agent' | 'period' | 'periodSeconds'>): string {
  return `usage-budget/${budgetIdOf(spec)}`;
}
