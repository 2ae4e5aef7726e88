/**
 * One usage summary over several gateway hosts' ledgers: with a `gatewayId` each host writes its own usage file
 * (docs/scaling.md), so `npm run usage -- --db east=… --db west=…` summarises each file on its own
 * ({@link summarizeUsage}) and adds them up here — the same totals and breakdowns as for one file, in the same
 * order, plus a breakdown per host. Pure: no I/O, no clock.
 */
import { EMPTY_TOTALS, type UsageSummary, type UsageTotals } from './usage-summary.ts';

/** One host's summary, under the label the user gave its ledger (or the file's path). */
export interface HostUsage {
  readonly host: string;
  readonly summary: UsageSummary;
}

/** The summary of several hosts; `byHost` keeps the order the ledgers were named in. */
export interface HostsUsageSummary extends UsageSummary {
  readonly byHost: readonly (UsageTotals & { readonly host: string })[];
}

const TOTAL_KEYS = Object.keys(EMPTY_TOTALS) as (keyof UsageTotals)[];

/** Two rows' sums added up (a breakdown row's key is left out). */
function add(a: UsageTotals, b: UsageTotals): UsageTotals {
  const sum: { -readonly [K in keyof UsageTotals]: number } = { ...EMPTY_TOTALS };
  for (const key of TOTAL_KEYS) sum[key] = a[key] + b[key];
  return sum;
}

/** Only the sums of a row (a breakdown row also carries its key). */
const sums = (t: UsageTotals): UsageTotals => add(EMPTY_TOTALS, t);

/** SQLite's ascending order of a nullable text key: NULL first, then by code unit. */
function byKey(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** The rows of one breakdown from every host, summed per key (`null` is a key of its own). */
function mergeGroups<K extends string, V extends string | null>(
  key: K,
  lists: readonly (readonly (UsageTotals & Record<K, V>)[])[],
): (UsageTotals & Record<K, V>)[] {
  const merged = new Map<V, UsageTotals>();
  for (const row of lists.flat()) merged.set(row[key], add(merged.get(row[key]) ?? EMPTY_TOTALS, row));
  return [...merged].map(([value, totals]) => ({ [key]: value, ...totals }) as UsageTotals & Record<K, V>);
}

/**
 * Adds the hosts' summaries up, ordered as {@link summarizeUsage} orders one ledger's (models and providers by
 * total tokens, days oldest first, agents by cost). Every summary must cover the same `since`.
 */
export function mergeHostSummaries(hosts: readonly HostUsage[]): HostsUsageSummary {
  const since = hosts[0]?.summary.since ?? null;
  const other = hosts.find((h) => h.summary.since !== since);
  if (other !== undefined) throw new Error(`the summaries cover different periods (${String(since)} and ${String(other.summary.since)} for ${other.host})`);
  const all = hosts.map((h) => h.summary);
  return {
    since,
    totals: all.reduce((sum, s) => add(sum, s.totals), EMPTY_TOTALS),
    byModel: mergeGroups('model', all.map((s) => s.byModel)).sort((a, b) => b.totalTokens - a.totalTokens || byKey(a.model, b.model)),
    byProvider: mergeGroups('provider', all.map((s) => s.byProvider)).sort((a, b) => b.totalTokens - a.totalTokens || byKey(a.provider, b.provider)),
    byDay: mergeGroups('day', all.map((s) => s.byDay)).sort((a, b) => byKey(a.day, b.day)),
    byAgent: mergeGroups('agent', all.map((s) => s.byAgent)).sort((a, b) => b.costUsd - a.costUsd || b.totalTokens - a.totalTokens || byKey(a.agent, b.agent)),
    byHost: hosts.map((h) => ({ host: h.host, ...sums(h.summary.totals) })),
  };
}
