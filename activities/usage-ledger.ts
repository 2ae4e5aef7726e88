import { isUsageRecord, type UsageBatch, type UsageRecord } from '../workflows/usage/usage-record.ts';
import { usageLedgerBatchQuery, type AppendUsageResult, type UsageLedgerActivities } from '../workflows/usage/contract.ts';
import { isLedgerBatchRef, type LedgerBatchRef } from '../workflows/shared/ledger-handoff.ts';
import { borrowLedgerBatch } from './ledger-handoff.ts';
import type { LedgerLogger, LedgerPool } from './ledger-db.ts';
import { initUsageLedgerSchema } from './usage-ledger-schema.ts';


/** Dependencies opened once by the worker's wiring and closed by it. */
export interface UsageLedgerDeps {
  readonly pool: Pick<LedgerPool, 'open'>;
  readonly logger: LedgerLogger;
}

const INSERT = `
INSERT OR IGNORE INTO llm_usage_events (
  event_id, ts, request_id, model, provider, input_tokens, output_tokens, total_tokens,
  cache_creation_input_tokens, cache_read_input_tokens, latency_ms, success, source_event, raw_json,
  agent_id, cost_input, cost_output, cost_cache_read, cost_cache_write, cost_total, currency
) VALUES (
  @eventId, @ts, @requestId, @model, @provider, @inputTokens, @outputTokens, @totalTokens,
  @cacheCreationInputTokens, @cacheReadInputTokens, @latencyMs, @success, @sourceEvent, @rawJson,
  @agentId, @costInput, @costOutput, @costCacheRead, @costCacheWrite, @costTotal, @currency
)`;

/** Records from before budgets (outbox, histories) lack the added columns: they are written as NULL. */
const ADDED_DEFAULTS = {
  agentId: null, costInput: null, costOutput: null, costCacheRead: null, costCacheWrite: null, costTotal: null, currency: null,
} as const;

/**
 * The usage ledger activities, closed over the worker's SQLite pool.
 *
 * `appendUsage` is idempotent, because Temporal runs activities at least once: rows are keyed by the unique
 * `event_id`, and `INSERT OR IGNORE` skips any row already written. The batch is one transaction, so a crash
 * leaves either all of its new rows or none. A malformed record is skipped with a warning rather than failing
 * the batch: retrying could never fix it, and it must not hold back the well-formed rows behind it.
 */
export function createUsageLedgerActivities({ pool, logger }: UsageLedgerDeps): UsageLedgerActivities {
  return {
    /** Given a {@link LedgerBatchRef} (runs since `usage-ledger-by-reference`), it reads the records from its workflow run by query. */
    async appendUsage(input: UsageBatch | LedgerBatchRef): Promise<AppendUsageResult> {
      const { dbPath } = input;
      const records = isLedgerBatchRef(input) ? await borrowLedgerBatch(usageLedgerBatchQuery, input) : input.records;
      const valid = records.filter(isUsageRecord);
      if (valid.length < records.length) logger.warn({ dbPath, rejected: records.length - valid.length }, 'malformed usage records skipped');
      const db = pool.open(dbPath, initUsageLedgerSchema);
      const insert = db.prepare<UsageRecord>(INSERT);
      const inserted = db.transaction((batch: readonly UsageRecord[]) => {
        let count = 0;
        for (const record of batch) count += insert.run({ ...ADDED_DEFAULTS, ...record }).changes;
        return count;
      }).immediate(valid);
      logger.debug({ dbPath, records: records.length, inserted }, 'usage rows appended');
      return { inserted };
    },
  };
}
