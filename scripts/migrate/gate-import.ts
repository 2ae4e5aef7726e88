/**
 * Imports an original `lorene-gate.db` (SEED-BEHAVIOUR §2.4) into the project's gate ledger. Rows keyed by a
 * natural key (seen messages, threads, requests) are inserted unless the key exists; responses, which have only
 * an autoincrement id, get an event id from a hash of the row and are inserted unless that id exists. A second
 * import therefore inserts nothing. Arms are not imported: an arm is live state that the gate workflows own now,
 * and a copied row would show a peer as armed that no workflow will ever disarm.
 */
import type Database from 'better-sqlite3';
import { initGateLedgerSchema, moveBlockedResponses } from '../../activities/gate-ledger-schema.ts';
import { hasTable, migratedEventId, readRows, type TableImport } from './common.ts';

interface TablePlan {
  readonly table: string;
  readonly columns: readonly string[];
  readonly required: readonly string[];
  readonly insert: string;
}

const insertOrIgnore = (table: string, columns: readonly string[]) =>
  `INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;

const SEEN = ['channel', 'message_id', 'sender', 'peer', 'triggered', 'request_id', 'thread_id', 'created_at'];
const THREADS = ['thread_id', 'channel', 'peer', 'topic', 'created_at', 'updated_at'];
const REQUESTS = [
  'request_id', 'channel', 'sender', 'peer', 'inbound_message_id', 'thread_id', 'trigger_text', 'body', 'status',
  'created_at', 'updated_at', 'last_response_at',
];
const RESPONSES = ['id', 'request_id', 'outbound_message_id', 'channel', 'peer', 'kind', 'content', 'created_at', 'reason', 'event_id'];

/** Parents first, so a dashboard reading mid-import never sees a response whose request is missing. */
const PLANS: readonly TablePlan[] = [
  { table: 'threads', columns: THREADS, required: ['thread_id', 'channel', 'created_at'], insert: insertOrIgnore('threads', THREADS) },
  { table: 'requests', columns: REQUESTS, required: ['request_id', 'channel', 'status', 'created_at'], insert: insertOrIgnore('requests', REQUESTS) },
  { table: 'seen_messages', columns: SEEN, required: ['channel', 'message_id', 'created_at'], insert: insertOrIgnore('seen_messages', SEEN) },
  {
    table: 'responses',
    columns: RESPONSES,
    required: ['channel', 'kind', 'created_at'],
    // Checked first rather than ON CONFLICT: a conflicting insert would still advance the AUTOINCREMENT counter.
    insert: `INSERT INTO responses (event_id, request_id, outbound_message_id, channel, peer, kind, content, reason, created_at)
      SELECT @eventId, @request_id, @outbound_message_id, @channel, @peer, @kind, @content, @reason, @created_at
      WHERE NOT EXISTS (SELECT 1 FROM responses WHERE event_id = @eventId)`,
  },
];

function withEventId(row: Record<string, unknown>): Record<string, unknown> {
  const { event_id: own, ...values } = row;
  return { ...values, eventId: typeof own === 'string' && own !== '' ? own : migratedEventId('responses', values) };
}

/** Copies the gate tables of `source` into `destination` (created or migrated as needed), in one transaction. */
export function importGateLedger(source: Database.Database, sourceFile: string, destination: Database.Database): TableImport[] {
  initGateLedgerSchema(destination);
  const results = destination.transaction(() =>
    PLANS.map((plan): TableImport => {
      if (!hasTable(source, plan.table)) return { table: plan.table, read: 0, inserted: 0, note: 'not in the source' };
      const rows = readRows(source, sourceFile, plan.table, plan.columns, plan.required);
      const insert = destination.prepare(plan.insert);
      let inserted = 0;
      for (const row of rows) inserted += insert.run(plan.table === 'responses' ? withEventId(row) : row).changes;
      return { table: plan.table, read: rows.length, inserted };
    }),
  ).immediate();
  // A source written by an earlier version of this project may carry blocked rows in `responses`: they move too.
  destination.transaction(() => moveBlockedResponses(destination)).immediate();
  const arms = hasTable(source, 'arms') ? (source.prepare('SELECT COUNT(*) FROM arms').pluck().get() as number) : 0;
  return [...results, { table: 'arms', read: arms, inserted: 0, note: 'not imported: arms are live state owned by the gate workflows' }];
}
