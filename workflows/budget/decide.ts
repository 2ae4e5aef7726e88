/**
 * A budget's decisions as pure functions over its state: counting delivered rows (each event id once, only rows
 * of the current period), rolling the period, and the snapshot the gateway caches and decides on.
 */
import { budgetIdOf, type BudgetRecordsEvent, type BudgetSnapshot, type BudgetSpec, type BudgetUsage } from './contract.ts';
import { describeReset, firstPeriod, nextPeriod } from './period.ts';
import { BUDGET_DEDUPE_WINDOW, type BudgetState } from './state.ts';

/** A budget that has counted nothing yet, its first period containing `now`. */
export function initialBudgetState(spec: BudgetSpec, now: number): BudgetState {
  const period = firstPeriod(now, spec);
  return { spec, periodStart: period.start, periodEnd: period.end, spentUsd: 0, spentTokens: 0, unpriced: 0, countedIds: [], duplicates: 0, late: 0, rolls: 0 };
}

function isUsage(value: unknown): value is BudgetUsage {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const count = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  return typeof r['eventId'] === 'string' && r['eventId'] !== '' && count(r['ts']) && count(r['tokens']) && (r['costUsd'] === null || count(r['costUsd']));
}

/**
 * The state after one delivery: the spec as sent, and each new row added once to the current period. A row
 * observed before the current period began after a roll (an outbox delivered late) belonged to a closed period and
 * is not counted; in the first period every row counts, since the budget may have started after the row.
 */
export function receiveUsage(state: BudgetState, event: BudgetRecordsEvent): BudgetState {
  const seen = new Set(state.countedIds);
  const counted: string[] = [];
  let { spentUsd, spentTokens, unpriced, duplicates, late } = state;
  for (const row of Array.isArray(event.records) ? event.records : []) {
    if (!isUsage(row)) continue;
    if (seen.has(row.eventId)) duplicates += 1;
    else if (state.rolls > 0 && row.ts < state.periodStart) late += 1;
    else {
      seen.add(row.eventId);
      counted.push(row.eventId);
      spentTokens += row.tokens;
      if (row.costUsd === null) unpriced += 1;
      else spentUsd += row.costUsd;
    }
  }
  const countedIds = counted.length === 0 ? state.countedIds : [...state.countedIds, ...counted].slice(-BUDGET_DEDUPE_WINDOW);
  return { ...state, spec: event.spec, spentUsd, spentTokens, unpriced, duplicates, late, countedIds };
}

/** The state in the period containing `now`: unchanged while the current one lasts, else a fresh period. */
export function rollPeriod(state: BudgetState, now: number): BudgetState {
  if (now < state.periodEnd) return state;
  const period = nextPeriod({ start: state.periodStart, end: state.periodEnd }, now, state.spec);
  return { ...state, periodStart: period.start, periodEnd: period.end, spentUsd: 0, spentTokens: 0, unpriced: 0, rolls: state.rolls + 1 };
}

/** The larger of the USD and token fractions of the limits used (0 when the budget has no limit). */
export function usedFraction(spec: BudgetSpec, spentUsd: number, spentTokens: number): number {
  const usd = spec.limitUsd === null ? 0 : spec.limitUsd === 0 ? Infinity : spentUsd / spec.limitUsd;
  const tokens = spec.limitTokens === null ? 0 : spec.limitTokens === 0 ? Infinity : spentTokens / spec.limitTokens;
  return Math.max(usd, tokens);
}

const PERIOD_WORDS = { day: 'today', week: 'this week', month: 'this month' } as const;

/** Dollars with cents, or with more places below a cent so a small spend is not shown as $0.00. */
export function formatUsd(value: number): string {
  return value !== 0 && Math.abs(value) < 0.1 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

/** "agent main: $3.12 of $5.00 today, resets 00:00 Europe/Berlin" (tokens too when limited, unpriced rows noted). */
export function describeBudget(state: BudgetState): string {
  const { spec } = state;
  const amounts = [
    ...(spec.limitUsd === null ? [] : [`${formatUsd(state.spentUsd)} of ${formatUsd(spec.limitUsd)}`]),
    ...(spec.limitTokens === null ? [] : [`${state.spentTokens.toLocaleString('en-US')} of ${spec.limitTokens.toLocaleString('en-US')} tokens`]),
  ];
  const when = spec.periodSeconds === null ? PERIOD_WORDS[spec.period] : `this ${spec.periodSeconds} s period`;
  const unpriced = state.unpriced > 0 ? ` (${state.unpriced} rows without a price not in the cost)` : '';
  const mode = spec.mode === 'block' ? '' : ' [warn only]';
  return `agent ${spec.agent}: ${amounts.join(' and ') || 'no limit'} ${when}, resets ${describeReset(state.periodEnd, spec)}${unpriced}${mode}`;
}

/** What the query answers and the gateway caches. */
export function snapshotOf(state: BudgetState): BudgetSnapshot {
  return {
    budgetId: budgetIdOf(state.spec), spec: state.spec, periodStart: state.periodStart, periodEnd: state.periodEnd,
    spentUsd: state.spentUsd, spentTokens: state.spentTokens, unpriced: state.unpriced,
    used: usedFraction(state.spec, state.spentUsd, state.spentTokens), details: describeBudget(state),
  };
}
