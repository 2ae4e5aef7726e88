/**
 * Imports an original `usage-ledger.db` (`llm_usage_events`, SEED-BEHAVIOUR §4) into the project's usage ledger.
 * Rows keep their values; each gets an event id (its own when it has one, else a hash of the row), and the
 * ledger's unique index skips ids it already holds, so a second import inserts nothing.
 */
import type Database from 'better-sqlite3';
import { initUsageLedgerSchema } from '../../activities/usage-ledger-schema.ts';
import { hasTable, migratedEventId, readRows, type TableImport } from './common.ts';

const TABLE = 'llm_usage_events';
const COLUMNS = [
  'id', 'ts', 'request_id', 'model', 'provider', 'input_tokens', 'output_tokens', 'total_tokens',
  'cache_creation_input_tokens', 'cache_read_input_tokens', 'latency_ms', 'success', 'source_event', 'raw_json', 'event_id',
] as const;

/** Counts default the way the ledger's columns do (NOT NULL DEFAULT …), so an original NULL is imported, not skipped. */
const INSERT = `
INSERT OR IGNORE INTO llm_usage_events (
  event_id, ts, request_id, model, provider, input_tokens, output_tokens, total_tokens,
  cache_creation_input_tokens, cache_read_input_tokens, latency_ms, success, source_event, raw_json
) VALUES (
  @eventId, @ts, @request_id, @model, @provider, COALESCE(@input_tokens, 0), COALESCE(@output_tokens, 0),
  COALESCE(@total_tokens, COALESCE(@input_tokens, 0) + COALESCE(@output_tokens, 0)),
  COALESCE(@cache_creation_input_tokens, 0), COALESCE(@cache_read_input_tokens, 0), @latency_ms,
  COALESCE(@success, 1), @source_event, @raw_json
)`;

/** Copies every `llm_usage_events` row of `source` into `destination` (created or migrated as needed), in one transaction. */
export function importUsageLedger(source: Database.Database, sourceFile: string, destination: Database.Database): TableImport[] {
  initUsageLedgerSchema(destination);
  if (!hasTable(source, TABLE)) return [{ table: TABLE, read: 0, inserted: 0, note: 'not in the source' }];
  const rows = readRows(source, sourceFile, TABLE, COLUMNS, ['ts']);
  const insert = destination.prepare(INSERT);
  const inserted = destination.transaction(() => {
    let count = 0;
    for (const row of rows) {
      const { event_id: own, ...values } = row;
      const eventId = typeof own === 'string' && own !== '' ? own : migratedEventId(TABLE, values);
      count += insert.run({ ...values, eventId }).changes;
    }
    return count;
  }).immediate();
  return [{ table: TABLE, read: rows.length, inserted }];
}
