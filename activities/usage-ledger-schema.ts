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

/**
 * Columns this project adds after the original's (ALTER TABLE appends them, so the original's columns keep their
 * order): the event id, then the agent and the cost of the row (all nullable: older rows and unknown prices).
 */
const ADDED_COLUMNS = [
  ['event_id', 'TEXT'], ['agent_id', 'TEXT'], ['cost_input', 'REAL'], ['cost_output', 'REAL'], ['cost_cache_read', 'REAL'],
  ['cost_cache_write', 'REAL'], ['cost_total', 'REAL'], ['currency', 'TEXT'],
] as const;

function columnsOf(db: LedgerDb): Set<string> {
  return new Set(db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('llm_usage_events')").all().map((c) => c.name));
}

/**
 * Creates the usage ledger, or migrates an existing one (the original plugin's database, or one of ours from
 * before cost columns) by adding each missing column of {@link ADDED_COLUMNS} and the unique event id index. A
 * fresh database takes the same path, so the migration runs on every test. One IMMEDIATE transaction: two
 * workers opening the same file cannot both add a column.
 */
export function initUsageLedgerSchema(db: LedgerDb): void {
  db.transaction(() => {
    db.exec(ORIGINAL_TABLE);
    const present = columnsOf(db);
    for (const [name, type] of ADDED_COLUMNS) if (!present.has(name)) db.exec(`ALTER TABLE llm_usage_events ADD COLUMN ${name} ${type}`);
    db.exec(EVENT_ID_INDEX);
  }).immediate();
}
