/** The usage table as a ledger from before `event_id` has it (every column but `ts` nullable), for the migration tests. */

/** `llm_usage_events` and its `ts` index, without `event_id`: what the migration must add a column and an index to. */
export const USAGE_TABLE_WITHOUT_EVENT_ID = `
  CREATE TABLE llm_usage_events (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, request_id TEXT, model TEXT,
    provider TEXT, input_tokens INTEGER, output_tokens INTEGER, total_tokens INTEGER, cache_creation_input_tokens INTEGER,
    cache_read_input_tokens INTEGER, latency_ms INTEGER, success INTEGER, source_event TEXT, raw_json TEXT);
  CREATE INDEX idx_llm_usage_events_ts ON llm_usage_events (ts);`;
