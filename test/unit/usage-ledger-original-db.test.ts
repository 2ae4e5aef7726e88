/**
 * The original plugin's own usage-ledger.db, created here verbatim from its source (reference/
 * original-extensions.txt: the PRAGMAs, the CREATE TABLE with `source_event TEXT NOT NULL`, both indexes, its
 * INSERT), is adopted in place by our ledger activity: its rows stay, ours are added to the same table, and the
 * dashboard's kind of query sees both.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { LedgerPool } from '../../activities/ledger-db.ts';
import { createUsageLedgerActivities } from '../../activities/usage-ledger.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';

const ORIGINAL_DDL = `
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
source_event TEXT NOT NULL,
raw_json TEXT
);
CREATE INDEX IF NOT EXISTS idx_llm_usage_events_ts ON llm_usage_events(ts);
CREATE INDEX IF NOT EXISTS idx_llm_usage_events_model_ts ON llm_usage_events(model, ts);
`;
const ORIGINAL_INSERT = `
INSERT INTO llm_usage_events (
ts, request_id, model, provider,
input_tokens, output_tokens, total_tokens,
cache_creation_input_tokens, cache_read_input_tokens,
latency_ms, success, source_event, raw_json
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
`;

const dir = mkdtempSync(join(tmpdir(), 'usage-original-db-'));
const pool = new LedgerPool();
after(() => {
  pool.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the original’s usage-ledger.db is adopted in place: its rows stay, ours go into the same table, once each', async () => {
  const dbPath = join(dir, 'usage-ledger.db');
  const original = new Database(dbPath);
  original.exec('PRAGMA journal_mode = WAL;');
  original.exec('PRAGMA busy_timeout = 3000;');
  original.exec(ORIGINAL_DDL);
  const insert = original.prepare(ORIGINAL_INSERT);
  insert.run(1_700_000_000_000, 'run-old-1', 'gpt-4o', 'openai', 100, 20, 120, 0, 0, 900, 1, 'llm_output', '{"old":1}');
  insert.run(1_700_000_001_000, 'run-old-2', 'claude-opus-4-1', 'anthropic', 50, 10, 60, 5, 7, null, 0, 'before_message_write', '{"old":2}');
  original.close();

  const logger = { debug: () => undefined, warn: () => undefined };
  const { appendUsage } = createUsageLedgerActivities({ pool, logger });
  const payload = { runId: 'run-new', provider: 'openai', model: 'gpt-4o', usage: { input: 30, output: 3 }, latencyMs: 0 };
  const record = extractUsage(payload, 'llm_output', { now: 1_757_500_000_000 });
  assert.ok(record);
  assert.deepEqual(await appendUsage({ dbPath, records: [record] }), { inserted: 1 });
  assert.deepEqual(await appendUsage({ dbPath, records: [record] }), { inserted: 0 }, 'a retried activity writes no second row');

  const db = new Database(dbPath, { readonly: true });
  try {
    const columns = db.prepare(`SELECT name, "notnull" AS required FROM pragma_table_info('llm_usage_events') ORDER BY cid`).all();
    assert.deepEqual(columns.map((c) => (c as { name: string }).name), [
      'id', 'ts', 'request_id', 'model', 'provider', 'input_tokens', 'output_tokens', 'total_tokens', 'cache_creation_input_tokens',
      'cache_read_input_tokens', 'latency_ms', 'success', 'source_event', 'raw_json', 'event_id',
      'agent_id', 'cost_input', 'cost_output', 'cost_cache_read', 'cost_cache_write', 'cost_total', 'currency',
    ], 'the original columns, in place, plus event_id, agent and cost at the end');
    assert.deepEqual(columns.find((c) => (c as { name: string }).name === 'source_event'), { name: 'source_event', required: 1 }, 'the original table was kept, not recreated');
    const rows = db.prepare('SELECT request_id, model, input_tokens, output_tokens, total_tokens, latency_ms, success, source_event, event_id IS NULL AS legacy FROM llm_usage_events ORDER BY id').all();
    assert.deepEqual(rows, [
      { request_id: 'run-old-1', model: 'gpt-4o', input_tokens: 100, output_tokens: 20, total_tokens: 120, latency_ms: 900, success: 1, source_event: 'llm_output', legacy: 1 },
      { request_id: 'run-old-2', model: 'claude-opus-4-1', input_tokens: 50, output_tokens: 10, total_tokens: 60, latency_ms: null, success: 0, source_event: 'before_message_write', legacy: 1 },
      { request_id: 'run-new', model: 'gpt-4o', input_tokens: 30, output_tokens: 3, total_tokens: 33, latency_ms: null, success: 1, source_event: 'llm_output', legacy: 0 },
    ]);
    const perModel = db.prepare('SELECT model, SUM(total_tokens) AS tokens, COUNT(*) AS calls FROM llm_usage_events GROUP BY model ORDER BY model').all();
    assert.deepEqual(perModel, [{ model: 'claude-opus-4-1', tokens: 60, calls: 1 }, { model: 'gpt-4o', tokens: 153, calls: 2 }]);
  } finally {
    db.close();
  }
});
