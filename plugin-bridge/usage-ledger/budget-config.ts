/**
 * The `prices` and `budgets` keys of usage-ledger's config (new, beyond the original; budgets are off unless
 * `budgets.enabled` is true). Parsed like the rest of the config: a bad value fails the plugin load, naming the field.
 */
import { InvalidConfigError } from '../shared/errors.ts';
import { budgetIdOf, type BudgetSpec, type CalendarPeriod } from '../../workflows/budget/contract.ts';
import { isTimeZone } from '../../workflows/budget/period.ts';
import { usageLedgerIdOf } from '../../workflows/usage/contract.ts';
import { priceFrom, type ModelPrice } from './cost.ts';

/**
 * When Temporal has not answered for `staleAfterMs`: `last-known` decides on the last state it reported (also
 * kept on disk across gateway restarts), `open` lets every run through, `closed` refuses runs of agents with a
 * block budget.
 */
export type BudgetFailPolicy = 'last-known' | 'open' | 'closed';

/** One configured budget and the session keys it counts (null: all of the agent's). */
export interface ConfiguredBudget {
  readonly id: string;
  readonly spec: BudgetSpec;
  readonly sessionKeyPattern: RegExp | null;
}

export interface BudgetsConfig {
  /** @default false */
  readonly enabled: boolean;
  readonly limits: readonly ConfiguredBudget[];
  /** @default "last-known" */
  readonly failPolicy: BudgetFailPolicy;
  /** How often the gateway reads the budgets' state from Temporal. @default 10000 */
  readonly refreshIntervalMs: number;
  /** A state older than this counts as "Temporal unreachable" for the fail policy. @default 60000 */
  readonly staleAfterMs: number;
  /** Also tell the agent's session (a system event) at 80 % and 100 %. @default false */
  readonly systemEvents: boolean;
}

type Raw = Record<string, unknown>;
const PERIODS: readonly CalendarPeriod[] = ['day', 'week', 'month'];
const FAIL_POLICIES: readonly BudgetFailPolicy[] = ['last-known', 'open', 'closed'];

const fail = (field: string, reason: string): never => {
  throw new InvalidConfigError('usage-ledger', field, reason);
};
const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, fallback: T): T {
  if (value === undefined) return fallback;
  return allowed.find((a) => a === value) ?? fail(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

function number(value: unknown, field: string, min: number, integer: boolean): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    return fail(field, `must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `agent:main:*` style: `*` matches any run of characters, everything else literally. */
export function sessionKeyPatternOf(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** `prices`: `{ "<provider>/<model>": { input, output, cacheRead, cacheWrite } }`, USD per million tokens. */
export function parsePrices(value: unknown): Readonly<Record<string, ModelPrice>> {
  if (value === undefined) return {};
  if (!isObject(value)) return fail('prices', 'must be an object of "<provider>/<model>": { input, output, cacheRead, cacheWrite }');
  return Object.fromEntries(Object.entries(value).map(([key, raw]) => [key, priceFrom(raw) ?? fail(`prices.${key}`, 'must give at least one rate (USD per million tokens)')]));
}

function parseLimit(raw: unknown, i: number, timeZone: string, defaultMode: 'warn' | 'block'): ConfiguredBudget {
  const field = `budgets.limits[${i}]`;
  if (!isObject(raw)) return fail(field, 'must be an object');
  const known = ['agent', 'period', 'periodSeconds', 'usd', 'tokens', 'mode', 'sessionKeyPattern'];
  const unknown = Object.keys(raw).find((k) => !known.includes(k));
  if (unknown !== undefined) fail(`${field}.${unknown}`, 'is not a budget key');
  if (typeof raw['agent'] !== 'string' || raw['agent'].trim() === '') fail(`${field}.agent`, 'must name the agent (its id, e.g. "main")');
  const limitUsd = number(raw['usd'], `${field}.usd`, 0, false);
  const limitTokens = number(raw['tokens'], `${field}.tokens`, 0, true);
  if (limitUsd === null && limitTokens === null) fail(field, 'needs a limit: usd and/or tokens');
  const pattern = raw['sessionKeyPattern'];
  if (pattern !== undefined && (typeof pattern !== 'string' || pattern === '')) fail(`${field}.sessionKeyPattern`, 'must be a non-empty string');
  const spec: BudgetSpec = {
    agent: usageLedgerIdOf(raw['agent']),
    period: oneOf(raw['period'], PERIODS, `${field}.period`, 'day'),
    periodSeconds: number(raw['periodSeconds'], `${field}.periodSeconds`, 5, true),
    timeZone, limitUsd, limitTokens,
    mode: oneOf(raw['mode'], ['warn', 'block'] as const, `${field}.mode`, defaultMode),
  };
  return { id: budgetIdOf(spec), spec, sessionKeyPattern: typeof pattern === 'string' ? sessionKeyPatternOf(pattern) : null };
}

/** Parses `budgets`; absent means off. Two budgets with the same agent and period are refused (one workflow each). */
export function parseBudgets(value: unknown): BudgetsConfig {
  const off: BudgetsConfig = { enabled: false, limits: [], failPolicy: 'last-known', refreshIntervalMs: 10_000, staleAfterMs: 60_000, systemEvents: false };
  if (value === undefined) return off;
  if (!isObject(value)) return fail('budgets', 'must be an object');
  const known = ['enabled', 'timeZone', 'mode', 'failPolicy', 'refreshIntervalMs', 'staleAfterMs', 'systemEvents', 'limits'];
  const unknown = Object.keys(value).find((k) => !known.includes(k));
  if (unknown !== undefined) fail(`budgets.${unknown}`, 'is not a budgets key');
  const timeZone = value['timeZone'] ?? 'UTC';
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) fail('budgets.timeZone', `must be an IANA time zone (e.g. "Europe/Berlin"), got ${JSON.stringify(timeZone)}`);
  const mode = oneOf(value['mode'], ['warn', 'block'] as const, 'budgets.mode', 'warn');
  const rawLimits = value['limits'] ?? [];
  if (!Array.isArray(rawLimits)) fail('budgets.limits', 'must be an array');
  const limits = (rawLimits as unknown[]).map((raw, i) => parseLimit(raw, i, timeZone as string, mode));
  const twice = limits.find((b, i) => limits.findIndex((o) => o.id === b.id) !== i);
  if (twice !== undefined) fail('budgets.limits', `has two budgets for ${twice.id} (one per agent and period)`);
  const enabled = value['enabled'];
  if (enabled !== undefined && typeof enabled !== 'boolean') fail('budgets.enabled', 'must be a boolean');
  const systemEvents = value['systemEvents'];
  if (systemEvents !== undefined && typeof systemEvents !== 'boolean') fail('budgets.systemEvents', 'must be a boolean');
  const refreshIntervalMs = number(value['refreshIntervalMs'], 'budgets.refreshIntervalMs', 200, true) ?? off.refreshIntervalMs;
  return {
    enabled: enabled === true,
    limits,
    failPolicy: oneOf(value['failPolicy'], FAIL_POLICIES, 'budgets.failPolicy', 'last-known'),
    refreshIntervalMs,
    staleAfterMs: number(value['staleAfterMs'], 'budgets.staleAfterMs', 1000, true) ?? Math.max(off.staleAfterMs, 3 * refreshIntervalMs),
    systemEvents: systemEvents === true,
  };
}
