import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LedgerPool } from '../../activities/ledger-db.ts';
import { createUsageLedgerActivities } from '../../activities/usage-ledger.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { type UsageRecord } from '../../workflows/usage/usage-record.ts';
import { USAGE_TABLE_WITHOUT_EVENT_ID } from '../helpers/usage-table.ts';

const dir = mkdtempSync(join(tmpdir(), 'usage-ledger-db-'));
const pool = new LedgerPool();
after(() => {
  pool.close();
  rmSync(dir, { recursive: true, force: true });
});

interface LogLine {
  readonly level: 'debug' | 'warn';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

function activities() {
  const lines: LogLine[] = [];
  const logger = {
    debug: (fields: Record<string, unknown>, message: string) => lines.push({ level: 'debug', fields, message }),
    warn: (fields: Record<string, unknown>, message: string) => lines.push({ level: 'warn', fields, message }),
  };
  return { lines, ...createUsageLedgerActivities({ pool, logger }) };
}

function record(eventId: string, input: number, output: number, model = 'claude-opus-4-1'): UsageRecord {
  const payload = { runId: `run-${eventId}`, provider: 'anthropic', model, usage: { input, output, cacheRead: 2 } };
  const extracted = extractUsage(payload, 'llm_output', { eventId, now: 1_757_500_000_000 });
  assert.ok(extracted);
  return extracted;
}

function rows(dbPath: string) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT event_id, ts, request_id, model, provider, input_tokens, output_tokens, total_tokens, ' +
      'cache_creation_input_tokens, cache_read_input_tokens, latency_ms, success, source_event FROM llm_usage_events ORDER BY id').all();
  } finally {
    db.close();
  }
}

test('appending the same records twice writes one row each (INSERT OR IGNORE on event_id)', async () => {
  const dbPath = join(dir, 'idempotent', 'usage.db');
  const { appendUsage } = activities();
  const batch = [record('e1', 10, 5), record('e2', 7, 3, 'gpt-4o')];
  assert.deepEqual(await appendUsage({ dbPath, records: batch }), { inserted: 2 });
  assert.deepEqual(await appendUsage({ dbPath, records: batch }), { inserted: 0 });
  assert.deepEqual(await appendUsage({ dbPath, records: [record('e3', 1, 1), record('e3', 1, 1)] }), { inserted: 1 });
  assert.deepEqual(rows(dbPath), [
    { event_id: 'e1', ts: 1_757_500_000_000, request_id: 'run-e1', model: 'claude-opus-4-1', provider: 'anthropic', input_tokens: 10,
      output_tokens: 5, total_tokens: 15, cache_creation_input_tokens: 0, cache_read_input_tokens: 2, latency_ms: null, success: 1,
      source_event: 'llm_output' },
    { event_id: 'e2', ts: 1_757_500_000_000, request_id: 'run-e2', model: 'gpt-4o', provider: 'anthropic', input_tokens: 7,
      output_tokens: 3, total_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 2, latency_ms: null, success: 1,
      source_event: 'llm_output' },
    { event_id: 'e3', ts: 1_757_500_000_000, request_id: 'run-e3', model: 'claude-opus-4-1', provider: 'anthropic', input_tokens: 1,
      output_tokens: 1, total_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 2, latency_ms: null, success: 1,
      source_event: 'llm_output' },
  ]);
});

test('an original database without event_id is migrated: column and unique index added, old rows kept', async () => {
  const dbPath = join(dir, 'original.db');
  const original = new Database(dbPath);
  original.exec(USAGE_TABLE_WITHOUT_EVENT_ID);
  original.exec(`
    INSERT INTO llm_usage_events (ts, request_id, model, provider, input_tokens, output_tokens, total_tokens, success, source_event)
      VALUES (1700000000000, 'old-1', 'gpt-4o', 'openai', 100, 20, 120, 1, 'llm_output'),
             (1700000001000, 'old-2', 'gpt-4o', 'openai', 50, 10, 60, 0, 'llm_output');`);
  original.close();

  const { appendUsage } = activities();
  assert.deepEqual(await appendUsage({ dbPath, records: [record('n1', 3, 4)] }), { inserted: 1 });
  assert.deepEqual(await appendUsage({ dbPath, records: [record('n1', 3, 4)] }), { inserted: 0 });

  const db = new Database(dbPath, { readonly: true });
  const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'llm_usage_events' ORDER BY name").pluck().all();
  const unique = db.prepare("SELECT \"unique\" FROM pragma_index_list('llm_usage_events') WHERE name = 'ux_llm_usage_events_event_id'").pluck().get();
  const kept = db.prepare('SELECT request_id, event_id, total_tokens FROM llm_usage_events ORDER BY id').all();
  db.close();
  assert.deepEqual(indexes, ['idx_llm_usage_events_model_ts', 'idx_llm_usage_events_ts', 'ux_llm_usage_events_event_id']);
  assert.equal(unique, 1);
  assert.deepEqual(kept, [
    { request_id: 'old-1', event_id: null, total_tokens: 120 },
    { request_id: 'old-2', event_id: null, total_tokens: 60 },
    { request_id: 'run-n1', event_id: 'n1', total_tokens: 7 },
  ]);
});

test('a malformed record is skipped with a warning and does not hold back the rest of the batch', async () => {
  const dbPath = join(dir, 'malformed.db');
  const { appendUsage, lines } = activities();
  const bad = { ...record('m1', 1, 1), inputTokens: -4 };
  const noId = { ...record('m2', 1, 1), eventId: '' };
  assert.deepEqual(await appendUsage({ dbPath, records: [bad, noId, record('m3', 2, 2)] }), { inserted: 1 });
  assert.deepEqual(rows(dbPath).map((r) => (r as { event_id: string }).event_id), ['m3']);
  assert.deepEqual(lines.filter((l) => l.level === 'warn'), [
    { level: 'warn', fields: { dbPath, rejected: 2 }, message: 'malformed usage records skipped' },
  ]);
});
