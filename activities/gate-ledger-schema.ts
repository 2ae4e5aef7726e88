import type { LedgerDb } from './ledger-db.ts';

/**
 * The original `lorene-gate.db` tables (SEED-BEHAVIOUR §2.4), unchanged so existing dashboards keep working.
 * Times are epoch milliseconds. `IF NOT EXISTS` leaves an existing original database as it is.
 */
const ORIGINAL_TABLES = `
CREATE TABLE IF NOT EXISTS seen_messages (
  channel TEXT NOT NULL,
  message_id TEXT NOT NULL,
  sender TEXT,
  peer TEXT,
  triggered INTEGER NOT NULL DEFAULT 0,
  request_id TEXT,
  thread_id TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (channel, message_id)
);
CREATE TABLE IF NOT EXISTS threads (
  thread_id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  peer TEXT NOT NULL,
  topic TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS requests (
  request_id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  sender TEXT,
  peer TEXT,
  inbound_message_id TEXT,
  thread_id TEXT,
  trigger_text TEXT,
  body TEXT,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_response_at INTEGER
);
CREATE TABLE IF NOT EXISTS responses (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT,
  outbound_message_id TEXT,
  channel TEXT NOT NULL,
  peer TEXT,
  kind TEXT NOT NULL,
  content TEXT,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS arms (
  arm_key TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  peer TEXT,
  request_id TEXT,
  source_message_id TEXT,
  sender TEXT,
  expires_at INTEGER NOT NULL,
  uses_left INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
`;

/**
 * Outbound messages the gate cancelled, with the reason. A table of their own, so `responses` keeps the original's
 * meaning (one row per message sent) and a dashboard counting responses does not count a cancelled message.
 */
const BLOCKED_TABLE = `
CREATE TABLE IF NOT EXISTS blocked_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  request_id TEXT,
  channel TEXT NOT NULL,
  peer TEXT,
  content TEXT,
  reason TEXT,
  created_at INTEGER NOT NULL
);
`;

/**
 * Earlier versions of this project wrote cancelled messages into `responses` as kind `blocked`: they move to
 * `blocked_messages` (keeping their event id, or `responses:<id>` when they had none), oldest first.
 */
const MOVE_BLOCKED_RESPONSES = `
INSERT INTO blocked_messages (event_id, request_id, channel, peer, content, reason, created_at)
  SELECT COALESCE(event_id, 'responses:' || id), request_id, channel, peer, content, reason, created_at
  FROM responses WHERE kind = 'blocked' ORDER BY id
  ON CONFLICT (event_id) DO NOTHING;
DELETE FROM responses WHERE kind = 'blocked';
`;

/**
 * Columns this project adds to original tables. They are nullable so rows written by the original plugin stay
 * valid: `event_id` makes a retried response activity insert its row once; `reason` is what earlier versions of
 * this project wrote for blocked rows (those now live in `blocked_messages`; it stays null for sent messages).
 */
const ADDED_COLUMNS = [
  { table: 'responses', column: 'event_id', type: 'TEXT' },
  { table: 'responses', column: 'reason', type: 'TEXT' },
] as const;

/**
 * Indexes, created after the added columns exist. The unique index allows many NULLs (original rows);
 * the requests index serves the watchdog's "newest `received` request of this peer" lookup.
 */
const INDEXES = `
CREATE UNIQUE INDEX IF NOT EXISTS responses_event_id ON responses (event_id);
CREATE INDEX IF NOT EXISTS requests_peer_status ON requests (channel, peer, status, created_at);
`;

function hasColumn(db: LedgerDb, table: string, column: string): boolean {
  const columns = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all();
  return columns.some((c) => c.name === column);
}

/**
 * Moves `blocked` rows out of `responses` into `blocked_messages`. Only for a database this project wrote before
 * (its `responses` has our `reason` column): the original plugin never wrote a `blocked` row, and a database it
 * wrote is left as it is. Idempotent.
 */
export function moveBlockedResponses(db: LedgerDb): void {
  if (hasColumn(db, 'responses', 'reason')) db.exec(MOVE_BLOCKED_RESPONSES);
}

/**
 * Creates the gate ledger, or brings an existing one (including a database written by the original plugin) up
 * to date: missing tables and columns are added, and blocked rows of earlier versions move out of `responses`.
 * Runs in one IMMEDIATE transaction so two workers opening the same file cannot both try to add a column.
 */
export function initGateLedgerSchema(db: LedgerDb): void {
  db.transaction(() => {
    db.exec(ORIGINAL_TABLES);
    db.exec(BLOCKED_TABLE);
    moveBlockedResponses(db);
    for (const { table, column, type } of ADDED_COLUMNS) {
      if (!hasColumn(db, table, column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
    db.exec(INDEXES);
  }).immediate();
}
