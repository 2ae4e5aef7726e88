/**
 * usage-ledger's config, parsed once in `register` from `api.pluginConfig`. Mirrors the `configSchema` of
 * openclaw.plugin.json, which the host has already enforced and defaulted; parsing again gives typed values and
 * protects against a host that skipped it. The original's keys (`enabled`, `dbPath`, `debug`) keep their meaning.
 */
import { isAbsolute, join } from 'node:path';
import { configFields } from '../shared/config-fields.ts';
import type { TemporalSettings } from '../shared/temporal-bridge.ts';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { parseBudgets, parsePrices, type BudgetsConfig } from './budget-config.ts';
import type { ModelPrice } from './cost.ts';

/** The plugin id, identical to the original plugin's so existing `plugins.entries.usage-ledger` config applies. */
export const PLUGIN_ID = 'usage-ledger';

/** The parsed config. */
export interface UsageLedgerConfig {
  /** @default true */
  readonly enabled: boolean;
  /** As configured; resolved against the state dir when the service starts ({@link resolveUsageDbPath}). */
  readonly dbPath: string | null;
  /** This gateway host (new): its records are written by the worker serving `openclaw-temporal-ledger/<gatewayId>`. Unset: the fixed ledger queue. */
  readonly gatewayId?: string;
  /** @default false */
  readonly debug: boolean;
  readonly temporal: TemporalSettings;
  /** @default "openclaw-temporal" */
  readonly taskQueue: string;
  /** Bound on one delivery round trip to Temporal. @default 5000 */
  readonly sendTimeoutMs: number;
  /** Longest pause between delivery attempts while Temporal is unreachable. @default 2000 */
  readonly retryIntervalMs: number;
  /** Records per delivered batch (one update). @default 500 */
  readonly batchMaxRecords: number;
  /** Records held in memory before delivery; past it a record is dropped and reported. @default 10000 */
  readonly bufferMaxRecords: number;
  /** Undelivered bytes the on-disk outbox may hold; past it records are dropped and reported. @default 256 MiB */
  readonly outboxMaxBytes: number;
  /** Prices by `<provider>/<model>` (USD per million tokens), before the OpenClaw config's `models.providers`. */
  readonly prices: Readonly<Record<string, ModelPrice>>;
  /** Usage budgets per agent; off by default. */
  readonly budgets: BudgetsConfig;
}

/** Every key the manifest schema declares; anything else is rejected like the schema's additionalProperties. */
export const USAGE_LEDGER_CONFIG_KEYS = [
  'enabled', 'dbPath', 'debug', 'temporalAddress', 'temporalNamespace', 'temporalProfile', 'payloadKeyFile', 'taskQueue',
  'sendTimeoutMs', 'retryIntervalMs', 'batchMaxRecords', 'bufferMaxRecords', 'outboxMaxBytes', 'prices', 'budgets', 'gatewayId',
] as const;

/**
 * Parses `api.pluginConfig` (undefined means all defaults); throws the plugin's `InvalidConfigError` naming the field.
 * An empty `dbPath` (the original's schema accepted it) means the default, reported through `warn`.
 */
export function parseUsageLedgerConfig(input: unknown, warn: (field: string, message: string) => void = () => undefined): UsageLedgerConfig {
  const raw = (input ?? {}) as Record<string, unknown>;
  const { fail, bool, optionalStr, int, temporal, gatewayId } = configFields(PLUGIN_ID, raw);
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) fail('(root)', 'must be an object');
  const unknown = Object.keys(raw).find((key) => !(USAGE_LEDGER_CONFIG_KEYS as readonly string[]).includes(key));
  if (unknown !== undefined) fail(unknown, 'is not a usage-ledger config key');
  const emptyDbPath = typeof raw.dbPath === 'string' && raw.dbPath.trim() === '';
  if (emptyDbPath) warn('dbPath', 'is empty: the default <state dir>/usage-ledger/usage-ledger.db is used');
  const host = gatewayId();
  return {
    enabled: bool('enabled', true),
    dbPath: emptyDbPath ? null : optionalStr('dbPath') ?? null,
    ...(host !== undefined && { gatewayId: host }),
    debug: bool('debug', false),
    temporal: temporal(),
    taskQueue: optionalStr('taskQueue') ?? WORKFLOW_TASK_QUEUE,
    sendTimeoutMs: int('sendTimeoutMs', 5000, 100, 60_000),
    retryIntervalMs: int('retryIntervalMs', 2000, 100, 600_000),
    batchMaxRecords: int('batchMaxRecords', 500, 1, 1000),
    bufferMaxRecords: int('bufferMaxRecords', 10_000, 100, 1_000_000),
    outboxMaxBytes: int('outboxMaxBytes', 256 * 1024 * 1024, 1024 * 1024, 64 * 1024 * 1024 * 1024),
    prices: parsePrices(raw.prices),
    budgets: parseBudgets(raw.budgets),
  };
}

/**
 * The ledger file on the worker host: the configured path (a relative one under the state dir), else
 * `<stateDir>/usage-ledger/usage-ledger.db`, where `npm run usage` looks by default.
 */
export function resolveUsageDbPath(config: UsageLedgerConfig, stateDir: string): string {
  if (config.dbPath === null) return join(stateDir, 'usage-ledger', 'usage-ledger.db');
  return isAbsolute(config.dbPath) ? config.dbPath : join(stateDir, config.dbPath);
}

/** The on-disk outbox in the plugin's state dir: `<stateDir>/usage-ledger/outbox.jsonl`. */
export function outboxPathOf(stateDir: string): string {
  return join(stateDir, 'usage-ledger', 'outbox.jsonl');
}
