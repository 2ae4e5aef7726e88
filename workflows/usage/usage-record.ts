/**
 * The usage record: one `llm_usage_events` row as it travels bridge → usage workflow → ledger activity. Declared
 * here, with the workflows, because the workflow, its state and the ledger activity all validate it; the bridge
 * produces it (plugin-bridge/usage-ledger/extract.ts) and imports the type from here, never the other way round.
 */

/** One usage row: the columns of `llm_usage_events` (camelCase) plus `eventId`, which makes inserts idempotent. */
export interface UsageRecord {
  /** Stable id of the observed event; a retried activity inserts the row once. See `usageEventId` in the usage-ledger bridge. */
  readonly eventId: string;
  /** When the gateway observed the event (epoch ms). */
  readonly ts: number;
  readonly requestId: string | null;
  readonly model: string | null;
  readonly provider: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** As reported, else `inputTokens + outputTokens`. */
  readonly totalTokens: number;
  readonly cacheCreationInputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly latencyMs: number | null;
  /** 0 when the payload reports an error. */
  readonly success: 0 | 1;
  /** The hook the payload came from (`llm_output`, `model_call_ended`, ...). */
  readonly sourceEvent: string;
  /** The payload as JSON, made safe (cycles, huge strings, throwing getters) and capped; see `safeJson` in the usage-ledger bridge. */
  readonly rawJson: string;
  /** The agent (`ctx.agentId`) whose run this was; absent in records from before budgets (column `agent_id`). */
  readonly agentId?: string | null;
  /** The run's session key (`ctx.sessionKey`), for budgets limited to a session key pattern; not a ledger column. */
  readonly sessionKey?: string | null;
  /** The run (`event.runId`, else `ctx.runId`), put on the delivery's trace span; not a ledger column. */
  readonly runId?: string | null;
  /** Cost of the row in {@link UsageRecord.currency}, from the model's configured prices; null when unknown. See plugin-bridge/usage-ledger/cost.ts. */
  readonly costInput?: number | null;
  readonly costOutput?: number | null;
  readonly costCacheRead?: number | null;
  readonly costCacheWrite?: number | null;
  readonly costTotal?: number | null;
  /** `USD` when the row has a cost, else null. */
  readonly currency?: 'USD' | null;
}

/**
 * Usage records for one ledger file — the one batch shape of the usage ledger: what the bridge delivers
 * (`usage-ledger.records`), what waits in the workflow's state per ledger, and what one ledger activity call writes.
 */
export interface UsageBatch {
  /** Absolute path of the usage ledger (SQLite) on the worker host (from the plugin's `dbPath`). */
  readonly dbPath: string;
  /** The plugin's `gatewayId`: the batch is written by the worker serving `openclaw-temporal-ledger/<gatewayId>` (new). */
  readonly gatewayId?: string;
  readonly records: readonly UsageRecord[];
}

/** The optional columns added after the original's; a record without them is written with NULLs. */
export const COST_KEYS = ['costInput', 'costOutput', 'costCacheRead', 'costCacheWrite', 'costTotal'] as const;

const COUNT_KEYS = ['inputTokens', 'outputTokens', 'totalTokens', 'cacheCreationInputTokens', 'cacheReadInputTokens'] as const;
const NULLABLE_TEXT_KEYS = ['requestId', 'model', 'provider'] as const;

/**
 * Whether `value` is a well-formed {@link UsageRecord}. Records cross a trust boundary (bridge → signal →
 * activity): the workflow's validator and the ledger activity use this to refuse one a bad peer produced.
 */
export function isUsageRecord(value: unknown): value is UsageRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  return typeof r['eventId'] === 'string' && r['eventId'] !== '' && typeof r['ts'] === 'number' && Number.isFinite(r['ts'])
    && COUNT_KEYS.every((k) => isCount(r[k])) && NULLABLE_TEXT_KEYS.every((k) => r[k] === null || typeof r[k] === 'string')
    && (r['latencyMs'] === null || isCount(r['latencyMs'])) && (r['success'] === 0 || r['success'] === 1)
    && typeof r['sourceEvent'] === 'string' && typeof r['rawJson'] === 'string'
    && COST_KEYS.every((k) => r[k] === undefined || r[k] === null || (typeof r[k] === 'number' && Number.isFinite(r[k]) && r[k] >= 0))
    && [undefined, null, 'USD'].includes(r['currency'] as string) && (r['agentId'] === undefined || r['agentId'] === null || typeof r['agentId'] === 'string');
}
