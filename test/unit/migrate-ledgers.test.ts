/**
 * The migration command against databases created here with the original plugins' schemas (SEED-BEHAVIOUR §2.4
 * and §4, without this project's added columns), as a user's `usage-ledger.db` and `lorene-gate.db` look.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { LedgerPool } from '../../activities/ledger-db.ts';
import { createUsageLedgerActivities } from '../../activities/usage-ledger.ts';
import { importGateLedger } from '../../scripts/migrate/gate-import.ts';
import { importLedger, MissingSourceError } from '../../scripts/migrate/import-ledger.ts';
import { importUsageLedger } from '../../scripts/migrate/usage-import.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { USAGE_TABLE_WITHOUT_EVENT_ID } from '../helpers/usage-table.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'migrate-ledgers-'));
const pool = new LedgerPool();
after(() => {
  pool.close();
  rmSync(root, { recursive: true, force: true });
});
let dirs = 0;
const freshDir = () => mkdtempSync(join(root, `case-${dirs++}-`));

function originalUsageDb(path: string): void {
  const db = new Database(path);
  db.exec(USAGE_TABLE_WITHOUT_EVENT_ID);
  db.exec(`
    CREATE INDEX idx_llm_usage_events_model_ts ON llm_usage_events (model, ts);
    INSERT INTO llm_usage_events (ts, request_id, model, provider, input_tokens, output_tokens, total_tokens,
      cache_creation_input_tokens, cache_read_input_tokens, latency_ms, success, source_event, raw_json) VALUES
      (1757400000000, 'run-a', 'claude-opus-4-1', 'anthropic', 18342, 611, 36115, 1290, 15872, 5230, 1, 'llm_output', '{"runId":"run-a"}'),
      (1757400060000, 'run-b', 'gpt-4o', 'openai', 1117, 46, 1163, 0, 1024, NULL, 0, 'llm_output', NULL),
      (1757400060000, 'run-b', 'gpt-4o', 'openai', 1117, 46, 1163, 0, 1024, NULL, 0, 'llm_output', NULL),
      (1757400120000, 'run-c', NULL, NULL, 12, NULL, NULL, NULL, NULL, NULL, NULL, 'agent_end', NULL);`);
  db.close();
}

function originalGateDb(path: string): void {
  const db = new Database(path);
  db.exec(`
    CREATE TABLE seen_messages (channel TEXT NOT NULL, message_id TEXT NOT NULL, sender TEXT, peer TEXT, triggered INTEGER NOT NULL DEFAULT 0,
      request_id TEXT, thread_id TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (channel, message_id));
    CREATE TABLE threads (thread_id TEXT PRIMARY KEY, channel TEXT NOT NULL, peer TEXT NOT NULL, topic TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE requests (request_id TEXT PRIMARY KEY, channel TEXT NOT NULL, sender TEXT, peer TEXT, inbound_message_id TEXT, thread_id TEXT,
      trigger_text TEXT, body TEXT, status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_response_at INTEGER);
    CREATE TABLE responses (id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT, outbound_message_id TEXT, channel TEXT NOT NULL, peer TEXT,
      kind TEXT NOT NULL, content TEXT, created_at INTEGER NOT NULL);
    CREATE TABLE arms (arm_key TEXT PRIMARY KEY, channel TEXT NOT NULL, peer TEXT, request_id TEXT, source_message_id TEXT, sender TEXT,
      expires_at INTEGER NOT NULL, uses_left INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    INSERT INTO threads VALUES ('whatsapp:+491701234567:media:1', 'whatsapp', '+491701234567', 'media', 1757400000000, 1757400100000);
    INSERT INTO requests VALUES ('whatsapp:wa-1', 'whatsapp', '+15550001', '+491701234567', 'wa-1', 'whatsapp:+491701234567:media:1',
      'friday: what is on tonight?', 'what is on tonight?', 'responded', 1757400000000, 1757400100000, 1757400100000);
    INSERT INTO seen_messages VALUES ('whatsapp', 'wa-1', '+15550001', '+491701234567', 1, 'whatsapp:wa-1', 'whatsapp:+491701234567:media:1', 1757400000000),
      ('whatsapp', 'wa-2', '+15559999', '+15559999', 0, NULL, NULL, 1757400050000);
    INSERT INTO responses (request_id, outbound_message_id, channel, peer, kind, content, created_at) VALUES
      ('whatsapp:wa-1', NULL, 'whatsapp', '+491701234567', 'text', 'The Third Man, 20:15', 1757400100000),
      ('whatsapp:wa-1', NULL, 'whatsapp', '+491701234567', 'text', 'The Third Man, 20:15', 1757400100000);
    INSERT INTO arms VALUES ('whatsapp:+491701234567', 'whatsapp', '+491701234567', 'whatsapp:wa-1', 'wa-1', '+15550001', 1757400220000, 2, 1757400100000);`);
  db.close();
}

function dump(path: string, tables: readonly string[]): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}

test('an original usage-ledger.db is imported row for row into a ledger that already has rows; running it twice changes nothing', async () => {
  const dir = freshDir();
  const from = join(dir, 'usage-ledger.db');
  const to = join(dir, 'project', 'usage-ledger.db');
  originalUsageDb(from);
  const fresh = extractUsage({ runId: 'run-new', model: 'claude-sonnet-4-5', provider: 'anthropic', usage: { input: 5, output: 5 } }, 'llm_output', { now: 1757500000000 });
  assert.ok(fresh);
  await createUsageLedgerActivities({ pool, logger: { debug: () => undefined, warn: () => undefined } }).appendUsage({ dbPath: to, records: [fresh] });

  const first = importLedger('usage-ledger', from, to, importUsageLedger, pool);
  assert.deepEqual(first.tables, [{ table: 'llm_usage_events', read: 4, inserted: 4 }]);
  const rows = dump(to, ['llm_usage_events']).llm_usage_events as Record<string, unknown>[];
  assert.deepEqual(rows.map((r) => [r.request_id, r.total_tokens, r.input_tokens, r.output_tokens, r.success, r.latency_ms, r.raw_json === null]), [
    ['run-new', 10, 5, 5, 1, null, false],
    ['run-a', 36115, 18342, 611, 1, 5230, false],
    ['run-b', 1163, 1117, 46, 0, null, true],
    ['run-b', 1163, 1117, 46, 0, null, true],
    ['run-c', 12, 12, 0, 1, null, true],
  ]);
  assert.equal(new Set(rows.map((r) => r.event_id)).size, 5, 'every row has its own event id, the original\'s two identical rows included');
  assert.ok(rows.slice(1).every((r) => String(r.event_id).startsWith('migrated:')));

  const before = dump(to, ['llm_usage_events']);
  const second = importLedger('usage-ledger', from, to, importUsageLedger, pool);
  assert.deepEqual(second.tables, [{ table: 'llm_usage_events', read: 4, inserted: 0 }]);
  assert.deepEqual(dump(to, ['llm_usage_events']), before);
});

test('an original lorene-gate.db is imported (seen messages, threads, requests, responses); arms are left to the workflows; twice changes nothing', () => {
  const dir = freshDir();
  const from = join(dir, 'lorene-gate.db');
  const to = join(dir, 'project', 'lorene-gate.db');
  originalGateDb(from);
  const first = importLedger('lorene-gate', from, to, importGateLedger, pool);
  assert.deepEqual(first.tables.map((t) => [t.table, t.read, t.inserted]), [
    ['threads', 1, 1], ['requests', 1, 1], ['seen_messages', 2, 2], ['responses', 2, 2], ['arms', 1, 0],
  ]);
  const tables = ['threads', 'requests', 'seen_messages', 'responses', 'arms'];
  const imported = dump(to, tables);
  assert.deepEqual(imported.arms, []);
  assert.deepEqual(dump(from, ['requests', 'threads', 'seen_messages']), { requests: imported.requests, threads: imported.threads, seen_messages: imported.seen_messages });
  const responses = imported.responses as Record<string, unknown>[];
  assert.deepEqual(responses.map((r) => [r.request_id, r.kind, r.content, r.reason]), [
    ['whatsapp:wa-1', 'text', 'The Third Man, 20:15', null],
    ['whatsapp:wa-1', 'text', 'The Third Man, 20:15', null],
  ]);
  assert.notEqual(responses[0]?.event_id, responses[1]?.event_id);

  const second = importLedger('lorene-gate', from, to, importGateLedger, pool);
  assert.deepEqual(second.tables.map((t) => t.inserted), [0, 0, 0, 0, 0]);
  assert.deepEqual(dump(to, tables), imported);
});

test('npm run migrate prints per-table counts; a second run imports nothing; a missing source fails naming it', () => {
  const dir = freshDir();
  originalUsageDb(join(dir, 'usage-ledger.db'));
  originalGateDb(join(dir, 'lorene-gate.db'));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/migrate-ledgers.ts', ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, OPENCLAW_STATE_DIR: join(dir, 'state') } });
  const args = ['--usage-from', join(dir, 'usage-ledger.db'), '--gate-from', join(dir, 'lorene-gate.db')];
  const first = run(...args);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /usage-ledger: .*usage-ledger\.db → .*state\/usage-ledger\/usage-ledger\.db/);
  assert.match(first.stdout, /llm_usage_events\s+4 read\s+4 imported/);
  assert.match(first.stdout, /lorene-gate: .* → .*state\/lorene-gate\.db/);
  assert.match(first.stdout, /arms\s+1 read\s+0 imported {2}\(not imported: arms are live state/);
  const second = run(...args, '--json');
  assert.equal(second.status, 0, second.stderr);
  const report = JSON.parse(second.stdout) as { migration: { tables: { inserted: number }[] }[] };
  assert.deepEqual(report.migration.map((m) => m.tables.map((t) => t.inserted)), [[0], [0, 0, 0, 0, 0]]);
  const missing = run('--usage-from', join(dir, 'nope.db'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /source .*nope\.db does not exist/);
  assert.equal(run().status, 2);
});

test('a source that is the destination itself is not imported into itself', () => {
  const dir = freshDir();
  const file = join(dir, 'usage-ledger.db');
  originalUsageDb(file);
  const result = importLedger('usage-ledger', file, file, importUsageLedger, pool);
  assert.deepEqual(result.tables, []);
  assert.match(result.note ?? '', /same file/);
  assert.throws(() => importLedger('usage-ledger', join(dir, 'missing.db'), file, importUsageLedger, pool), MissingSourceError);
});
