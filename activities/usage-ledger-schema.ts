import type { LedgerDb } from './ledger-db.ts';

/**
 * The original `llm_usage_events` table and its indexes (SEED-BEHAVIOUR §4), unchanged so the existing usage
 * dashboard keeps working. `ts` is epoch milliseconds. `IF NOT EXISTS` leaves an original database as it is.
 */
const ORIGINAL_TABLE = `
CREATE TABLE IF NOT EXISTS llm_usage_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,
  request_id TEXT,
  model TEXT,
  provider TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  total_tokens INTEGER NOT NULL DEFAULT 0,
  cache_creation_input_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_input_tokens INTEGER NOT NULL DEFAULT 0,
  latency_ms INTEGER,
  success INTEGER NOT NULL DEFAULT 1,
  source_event TEXT,
  raw_json TEXT
);
CREATE INDEX IF NOT EXISTS idx_llm_usage_events_ts ON llm_usage_events (ts);
CREATE INDEX IF NOT EXISTS idx_llm_usage_events_model_ts ON llm_usage_events (model, ts);
`;

/**
 * The unique event id this project adds. Nullable, because rows written by the original plugin have none
 * (a unique index admits any number of NULLs); every new row has one, so a retried activity inserts it once.
 */
const EVENT_ID_INDEX = 'CREATE UNIQUE INDEX IF NOT EXISTS ux_llm_usage_events_event_id ON llm_usage_events (event_id)';

function hasEventId(db: LedgerDb): boolean {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('llm_usage_events')").all();
  return columns.some((c) => c.name === 'event_id');
}

/**
 * Creates the usage ledger, or migrates an existing one (including the original plugin's database) by adding
 * the `event_id` column and its unique index. A fresh database takes the same path, so the migration runs on
 * every test. One IMMEDIATE transaction: two workers opening the same file cannot both add the column.
 */
export function initUsageLedgerSchema(db: LedgerDb): void {
  db.transaction(() => {
    db.exec(ORIGINAL_TABLE);
    if (!hasEventId(db)) db.exec('ALTER TABLE llm_usage_events ADD COLUMN event_id TEXT');
    db.exec(EVENT_ID_INDEX);
  }).immediate();
}
