/**
 * The usage dashboard's numbers (SEED-BEHAVIOUR §4: totals per model / provider / day), as SQL over an open
 * ledger handle. Read-only and free of I/O of its own, so `npm run usage` and tests share it.
 */
import type { LedgerDb } from './ledger-db.ts';

/** Sums over a set of `llm_usage_events` rows. */
export interface UsageTotals {
  readonly events: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  readonly cacheCreationInputTokens: number;
  readonly cacheReadInputTokens: number;
  /** Rows recorded with `success = 0`. */
  readonly failures: number;
  /** Sum of `cost_total` (USD) over the rows with a known cost. */
  readonly costUsd: number;
  /** Rows without a known cost (no price configured, or written before cost columns): not in `costUsd`. */
  readonly unpriced: number;
}

/** The whole summary; also the `--json` output under `usageSummary`. */
export interface UsageSummary {
  /** Lower bound of `ts` as an ISO timestamp, or null for all time. */
  readonly since: string | null;
  readonly totals: UsageTotals;
  /** Largest `totalTokens` first; `model` is null for rows that named none. */
  readonly byModel: readonly (UsageTotals & { readonly model: string | null })[];
  readonly byProvider: readonly (UsageTotals & { readonly provider: string | null })[];
  /** Oldest first; `day` is the UTC date `YYYY-MM-DD` (`unknown` for an original row without `ts`). */
  readonly byDay: readonly (UsageTotals & { readonly day: string })[];
  /** Largest cost first; `agent` is null for rows from before the `agent_id` column. */
  readonly byAgent: readonly (UsageTotals & { readonly agent: string | null })[];
}

/** A `--since` value that is neither a duration like `7d` nor a date. */
export class InvalidSinceError extends Error {
  override name = 'InvalidSinceError' as const;
  constructor(readonly value: string) {
    super(`--since must be a duration (30m, 12h, 7d, 2w) or a date (2026-09-01), got ${JSON.stringify(value)}`);
  }
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Epoch ms for `--since`: `now` minus a duration (`30m`, `12h`, `7d`, `2w`), or an ISO date/time. */
export function parseSince(value: string, now: number): number {
  const duration = /^\s*(\d+)\s*([mhdw])\s*$/.exec(value);
  if (duration?.[1] !== undefined && duration[2] !== undefined) {
    return now - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
  }
  const date = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (Number.isNaN(date)) throw new InvalidSinceError(value);
  return date;
}

const SUMS = `
  COUNT(*) AS events,
  COALESCE(SUM(input_tokens), 0) AS inputTokens,
  COALESCE(SUM(output_tokens), 0) AS outputTokens,
  COALESCE(SUM(total_tokens), 0) AS totalTokens,
  COALESCE(SUM(cache_creation_input_tokens), 0) AS cacheCreationInputTokens,
  COALESCE(SUM(cache_read_input_tokens), 0) AS cacheReadInputTokens,
  COALESCE(SUM(success = 0), 0) AS failures,
  COALESCE(SUM(cost_total), 0) AS costUsd,
  COUNT(*) - COUNT(cost_total) AS unpriced`;
const WHERE = 'WHERE (@since IS NULL OR ts >= @since)';
const DAY = "COALESCE(strftime('%Y-%m-%d', ts / 1000, 'unixepoch'), 'unknown')";

/** The totals of no rows: every sum 0. */
export const EMPTY_TOTALS: UsageTotals = {
  events: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, failures: 0,
  costUsd: 0, unpriced: 0,
};

/**
 * The rows to sum: the table itself, or, for a ledger not yet migrated (opened read-only, e.g. the original's
 * file), the table with NULL agent and cost columns.
 */
function rowsOf(db: LedgerDb): string {
  const names = new Set(db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('llm_usage_events')").all().map((c) => c.name));
  if (names.has('cost_total') && names.has('agent_id')) return 'llm_usage_events';
  return '(SELECT *, NULL AS agent_id, NULL AS cost_total FROM llm_usage_events)';
}

/**
 * Totals and breakdowns of the ledger since `sinceMs` (epoch ms; null for all time). A database without the
 * table yet (nothing recorded) gives an empty summary rather than an error.
 */
export function summarizeUsage(db: LedgerDb, sinceMs: number | null): UsageSummary {
  const since = sinceMs === null ? null : new Date(sinceMs).toISOString();
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'llm_usage_events'").get() !== undefined;
  if (!hasTable) return { since, totals: EMPTY_TOTALS, byModel: [], byProvider: [], byDay: [], byAgent: [] };
  const params = { since: sinceMs };
  const rows = rowsOf(db);
  const grouped = <K extends string, V = string | null>(key: K, expr: string, order: string) =>
    db.prepare<typeof params, UsageTotals & Record<K, V>>(
      `SELECT ${expr} AS ${key}, ${SUMS} FROM ${rows} ${WHERE} GROUP BY 1 ORDER BY ${order}`,
    ).all(params);
  return {
    since,
    totals: db.prepare<typeof params, UsageTotals>(`SELECT ${SUMS} FROM ${rows} ${WHERE}`).get(params) ?? EMPTY_TOTALS,
    byModel: grouped('model', 'model', 'totalTokens DESC, model'),
    byProvider: grouped('provider', 'provider', 'totalTokens DESC, provider'),
    byDay: grouped<'day', string>('day', DAY, 'day'),
    byAgent: grouped('agent', 'agent_id', 'costUsd DESC, totalTokens DESC, agent'),
  };
}
