import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ApplicationFailure } from '@temporalio/common';
import {
  createGateLedgerActivities,
  InvalidLedgerBatchError,
  parseGateLedgerBatch,
} from '../../activities/gate-ledger.ts';
import { initGateLedgerSchema } from '../../activities/gate-ledger-schema.ts';
import { InvalidLedgerPathError, LedgerPool, type LedgerDb, type LedgerLogger } from '../../activities/ledger-db.ts';
import type {
  ArmOp, GateLedgerBatch, GateLedgerOp, RequestOp, RequestStatusOp, ResponseOp, SeenOp, SeenTriggeredOp, ThreadOp,
} from '../../workflows/gate/ledger-ops.ts';

const seen = (o: Partial<SeenOp> = {}): SeenOp =>
  ({ op: 'seen', channel: 'whatsapp', messageId: 'm1', sender: '+111', peer: '+222', at: 1000, ...o });
const thread = (o: Partial<ThreadOp> = {}): ThreadOp =>
  ({ op: 'thread', threadId: 't1', channel: 'whatsapp', peer: '+222', topic: 'media', at: 1000, ...o });
const request = (o: Partial<RequestOp> = {}): RequestOp => ({
  op: 'request', requestId: 'whatsapp:m1', channel: 'whatsapp', sender: '+111', peer: '+222',
  inboundMessageId: 'm1', threadId: 't1', triggerText: 'friday: ', body: 'play a movie', at: 1000, ...o,
});
const triggered = (o: Partial<SeenTriggeredOp> = {}): SeenTriggeredOp =>
  ({ op: 'seenTriggered', channel: 'whatsapp', messageId: 'm1', requestId: 'whatsapp:m1', threadId: 't1', ...o });
const arm = (o: Partial<ArmOp> = {}): ArmOp => ({
  op: 'arm', armKey: 'whatsapp:+222', channel: 'whatsapp', peer: '+222', requestId: 'whatsapp:m1',
  sourceMessageId: 'm1', sender: '+111', expiresAt: 121_000, usesLeft: 3, at: 1000, ...o,
});
const status = (o: Partial<RequestStatusOp> = {}): RequestStatusOp =>
  ({ op: 'requestStatus', requestId: 'whatsapp:m1', status: 'responded', at: 5000, ...o });
const response = (o: Partial<ResponseOp> = {}): ResponseOp => ({
  op: 'response', eventId: 'e1', requestId: 'whatsapp:m1', channel: 'whatsapp', peer: '+222', kind: 'text',
  content: 'here you go', reason: null, at: 5000, ...o,
});

/** The whole life of one trigger, plus a blocked reply and a late watchdog: the batch a retry would resend. */
const conversation: GateLedgerOp[] = [
  seen({ messageId: 'm0', sender: '+333', peer: '+444', at: 900 }), seen(), thread(), request(), triggered(),
  arm(), arm({ usesLeft: 2, expiresAt: 125_000, at: 5000 }), status(), response(),
  response({ eventId: 'e2', requestId: null, kind: 'blocked', content: 'psst', reason: 'no live arm', at: 6000 }),
  status({ status: 'missed', at: 700_000 }), thread({ at: 800 }),
  arm({ armKey: 'whatsapp:+555', peer: '+555' }), { op: 'disarm', armKey: 'whatsapp:+555', at: 7000 },
];

/** The original plugin's schema, verbatim columns and keys, without this project's `event_id` / `reason`. */
const ORIGINAL_SCHEMA = `
create table seen_messages (channel text not null, message_id text not null, sender text, peer text,
  triggered integer not null default 0, request_id text, thread_id text, created_at integer not null,
  primary key (channel, message_id));
create table threads (thread_id text primary key, channel text not null, peer text not null, topic text not null,
  created_at integer not null, updated_at integer not null);
create table requests (request_id text primary key, channel text not null, sender text, peer text,
  inbound_message_id text, thread_id text, trigger_text text, body text, status text not null,
  created_at integer not null, updated_at integer not null, last_response_at integer);
create table responses (id integer primary key autoincrement, request_id text, outbound_message_id text,
  channel text not null, peer text, kind text not null, content text, created_at integer not null);
create table arms (arm_key text primary key, channel text not null, peer text, request_id text,
  source_message_id text, sender text, expires_at integer not null, uses_left integer not null,
  updated_at integer not null);`;

const ORDER = { seen_messages: 'channel, message_id', threads: 'thread_id', requests: 'request_id',
  responses: 'id', blocked_messages: 'id', arms: 'arm_key', sqlite_sequence: 'name' } as const;

function dump(db: LedgerDb): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(ORDER)
    .map(([table, key]) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY ${key}`).all()]));
}

function columns(db: LedgerDb, table: string): string[] {
  return db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((c) => c.name);
}

interface LogLine { readonly level: 'debug' | 'warn'; readonly obj: object; readonly msg: string }

describe('gate ledger', () => {
  let dir: string;
  let dbPath: string;
  let pool: LedgerPool;
  let logs: LogLine[];
  let ledger: ReturnType<typeof createGateLedgerActivities>;
  const apply = (...ops: GateLedgerOp[]) => ledger.applyGateLedger({ dbPath, ops });
  const db = () => pool.open(dbPath, initGateLedgerSchema);
  const rows = (sql: string) => db().prepare(sql).all();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gate-ledger-'));
    dbPath = join(dir, 'state', 'lorene-gate.db');
    pool = new LedgerPool();
    logs = [];
    const logger: LedgerLogger = {
      debug: (obj, msg) => logs.push({ level: 'debug', obj, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    };
    ledger = createGateLedgerActivities({ pool, logger });
  });
  afterEach(() => {
    pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records every inbound message in seen_messages, untriggered', async () => {
    assert.deepEqual(await apply(seen(), seen()), { applied: 2 });
    assert.deepEqual(rows('SELECT * FROM seen_messages'), [{ channel: 'whatsapp', message_id: 'm1', sender: '+111',
      peer: '+222', triggered: 0, request_id: null, thread_id: null, created_at: 1000 }]);
    assert.deepEqual(logs, [{ level: 'debug', obj: { dbPath, ops: 2, applied: 2 }, msg: 'gate ledger batch applied' }]);
  });

  it("reuses a thread and only moves its updated time forward", async () => {
    await apply(thread(), thread({ topic: 'general', at: 3000 }), thread({ at: 2000 }));
    assert.deepEqual(rows('SELECT * FROM threads'), [{ thread_id: 't1', channel: 'whatsapp', peer: '+222',
      topic: 'media', created_at: 1000, updated_at: 3000 }]);
  });

  it('creates a request in status received, linked to its thread, once', async () => {
    await apply(request(), request({ body: 'changed', at: 9000 }));
    assert.deepEqual(rows('SELECT * FROM requests'), [{ request_id: 'whatsapp:m1', channel: 'whatsapp',
      sender: '+111', peer: '+222', inbound_message_id: 'm1', thread_id: 't1', trigger_text: 'friday: ',
      body: 'play a movie', status: 'received', created_at: 1000, updated_at: 1000, last_response_at: null }]);
  });

  it('marks the seen message triggered with its request and thread', async () => {
    assert.deepEqual(await apply(seen(), request(), triggered()), { applied: 3 });
    assert.deepEqual(rows('SELECT triggered, request_id, thread_id, created_at FROM seen_messages'),
      [{ triggered: 1, request_id: 'whatsapp:m1', thread_id: 't1', created_at: 1000 }]);
  });

  it("rebuilds a missing seen row from its request when marking it triggered", async () => {
    await apply(request({ sender: '+999', peer: '+888', at: 4000 }), triggered());
    assert.deepEqual(rows('SELECT * FROM seen_messages'), [{ channel: 'whatsapp', message_id: 'm1', sender: '+999',
      peer: '+888', triggered: 1, request_id: 'whatsapp:m1', thread_id: 't1', created_at: 4000 }]);
  });

  it('skips, counts and logs ops whose request is unknown', async () => {
    assert.deepEqual(await apply(triggered(), status(), seen({ messageId: 'm2' })), { applied: 1 });
    assert.deepEqual(rows('SELECT message_id, triggered FROM seen_messages'), [{ message_id: 'm2', triggered: 0 }]);
    assert.deepEqual(logs.filter((l) => l.level === 'warn').map((l) => l.obj), [
      { dbPath, op: triggered() }, { dbPath, op: status() }]);
  });

  it('a new arm replaces the previous one as a whole, and disarm deletes it', async () => {
    await apply(arm(), arm({ requestId: 'whatsapp:m2', sourceMessageId: null, usesLeft: 1, at: 2000 }));
    assert.deepEqual(rows('SELECT * FROM arms'), [{ arm_key: 'whatsapp:+222', channel: 'whatsapp', peer: '+222',
      request_id: 'whatsapp:m2', source_message_id: null, sender: '+111', expires_at: 121_000, uses_left: 1,
      updated_at: 2000 }]);
    await apply({ op: 'disarm', armKey: 'whatsapp:+222', at: 3000 }, { op: 'disarm', armKey: 'nope', at: 3000 });
    assert.deepEqual(rows('SELECT * FROM arms'), []);
  });

  it('responded sets the status and the response time', async () => {
    await apply(request(), status({ at: 5000 }), status({ at: 8000 }));
    assert.deepEqual(rows('SELECT status, updated_at, last_response_at FROM requests'),
      [{ status: 'responded', updated_at: 8000, last_response_at: 8000 }]);
  });

  it('never moves a request backwards: missed does not overwrite responded', async () => {
    await apply(request(), status({ at: 5000 }), status({ status: 'missed', at: 900_000 }));
    assert.deepEqual(rows('SELECT status, updated_at, last_response_at FROM requests'),
      [{ status: 'responded', updated_at: 5000, last_response_at: 5000 }]);
  });

  it('never moves a request backwards: an older op does not overwrite a newer one', async () => {
    await apply(request(), status({ status: 'missed', at: 9000 }), status({ at: 5000 }));
    assert.deepEqual(rows('SELECT status, updated_at, last_response_at FROM requests'),
      [{ status: 'missed', updated_at: 9000, last_response_at: null }]);
    await apply(status({ at: 9500 })); // a late reply after the watchdog gave up is still recorded
    assert.deepEqual(rows('SELECT status, updated_at, last_response_at FROM requests'),
      [{ status: 'responded', updated_at: 9500, last_response_at: 9500 }]);
  });

  it('records each outbound decision once per event id: sent ones in responses, blocked ones in blocked_messages', async () => {
    const blocked = response({ eventId: 'e2', requestId: null, kind: 'blocked', content: 'psst', reason: 'no arm' });
    await apply(response({ content: '  here you go \n' }), blocked, blocked, response({ content: 'a retry with other text' }));
    assert.deepEqual(rows('SELECT * FROM responses'), [
      { id: 1, request_id: 'whatsapp:m1', outbound_message_id: null, channel: 'whatsapp', peer: '+222', kind: 'text',
        content: 'here you go', created_at: 5000, event_id: 'e1', reason: null }]);
    assert.deepEqual(rows('SELECT * FROM blocked_messages'), [
      { id: 1, event_id: 'e2', request_id: null, channel: 'whatsapp', peer: '+222', content: 'psst', reason: 'no arm', created_at: 5000 }]);
    await apply(response({ eventId: 'e3', content: '   ' }));
    assert.deepEqual(rows("SELECT content FROM responses WHERE event_id = 'e3'"), [{ content: null }], 'blank text is stored as null, as the original');
  });

  it('moves blocked rows an earlier version wrote into responses out to blocked_messages, once', () => {
    const old = db();
    old.exec(`INSERT INTO responses (request_id, channel, peer, kind, content, created_at, event_id, reason) VALUES
      ('whatsapp:m1', 'whatsapp', '+222', 'text', 'sent', 10, 'e1', NULL),
      (NULL, 'whatsapp', '+222', 'blocked', 'psst', 11, 'e2', 'no live arm'),
      (NULL, 'whatsapp', '+222', 'blocked', 'hm', 12, NULL, 'no live arm')`);
    pool.close();
    assert.deepEqual(rows('SELECT kind, event_id FROM responses'), [{ kind: 'text', event_id: 'e1' }]);
    assert.deepEqual(rows('SELECT event_id, content, reason, created_at FROM blocked_messages ORDER BY id'), [
      { event_id: 'e2', content: 'psst', reason: 'no live arm', created_at: 11 },
      { event_id: 'responses:3', content: 'hm', reason: 'no live arm', created_at: 12 }]);
    pool.close();
    assert.equal(rows('SELECT * FROM blocked_messages').length, 2, 'a second migration moves nothing');
  });

  it('an abandoned decision: its response row gives way to a blocked row, the request waits again; once per event id', async () => {
    const abandoned = { op: 'decisionAbandoned', eventId: 'e1', requestId: 'whatsapp:m1', channel: 'whatsapp', peer: '+222', content: ' here you go ', reason: 'abandoned by the bridge', at: 6000 } as const;
    await apply(thread(), request(), status(), response(), abandoned, abandoned);
    assert.deepEqual(rows('SELECT * FROM responses'), []);
    assert.deepEqual(rows('SELECT event_id, request_id, content, reason, created_at FROM blocked_messages'),
      [{ event_id: 'e1', request_id: 'whatsapp:m1', content: 'here you go', reason: 'abandoned by the bridge', created_at: 6000 }]);
    assert.deepEqual(rows('SELECT status, last_response_at FROM requests'), [{ status: 'received', last_response_at: null }]);
    await apply(status({ at: 7000 }), response({ eventId: 'e2', at: 7000 }), status({ at: 8000 }), response({ eventId: 'e3', at: 8000 }), { ...abandoned, eventId: 'e3', at: 9000 });
    assert.deepEqual(rows('SELECT status, last_response_at FROM requests'), [{ status: 'responded', last_response_at: 7000 }], 'another sent message still answers it');
  });

  it('writes the request id as inbound_message_id for a request op of an older run that carried null', async () => {
    await apply(thread(), request({ requestId: 'whatsapp:1700000000000', inboundMessageId: null }));
    assert.deepEqual(rows('SELECT inbound_message_id FROM requests'), [{ inbound_message_id: 'whatsapp:1700000000000' }]);
  });

  it('applying the same batch twice leaves the ledger identical', async () => {
    const first = await apply(...conversation);
    const once = dump(db());
    assert.equal(once.responses?.length, 1);
    assert.equal(once.blocked_messages?.length, 1);
    assert.equal(once.arms?.length, 1);
    assert.deepEqual(await apply(...conversation), first);
    assert.deepEqual(dump(db()), once);
    pool.close(); // a retry may land on another worker process: a fresh handle sees the same
    assert.deepEqual(await apply(...conversation), first);
    assert.deepEqual(dump(db()), once);
  });

  it('a batch is applied all or nothing', async () => {
    db().exec("CREATE TRIGGER refuse BEFORE INSERT ON responses BEGIN SELECT RAISE(ABORT, 'refused'); END");
    await assert.rejects(apply(seen(), request(), response()), /refused/);
    assert.deepEqual(rows('SELECT * FROM seen_messages'), []);
    assert.deepEqual(rows('SELECT * FROM requests'), []);
  });

  it('migrates an original database in place, keeping its rows', async () => {
    dbPath = join(dir, 'original.db');
    const original = new Database(dbPath);
    original.exec(ORIGINAL_SCHEMA);
    original.exec(`INSERT INTO responses (request_id, channel, peer, kind, content, created_at)
      VALUES ('whatsapp:old', 'whatsapp', '+222', 'text', 'from the old plugin', 10)`);
    original.close();
    assert.equal(columns(db(), 'responses').includes('event_id'), true);
    await apply(response(), response());
    assert.deepEqual(columns(db(), 'responses'), ['id', 'request_id', 'outbound_message_id', 'channel', 'peer', 'kind',
      'content', 'created_at', 'event_id', 'reason']);
    assert.deepEqual(rows('SELECT id, content, event_id FROM responses ORDER BY id'), [
      { id: 1, content: 'from the old plugin', event_id: null }, { id: 2, content: 'here you go', event_id: 'e1' }]);
    const indexes = rows("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY 1");
    assert.deepEqual(indexes, [{ name: 'requests_peer_status' }, { name: 'responses_event_id' }]);
    pool.close();
    assert.deepEqual(await apply(response()), { applied: 1 }); // migrating again is a no-op
    assert.equal(rows('SELECT * FROM responses').length, 2);
  });

  it('runs the ledger in WAL mode with a 5 s busy timeout, creating missing directories', () => {
    assert.deepEqual(db().pragma('journal_mode'), [{ journal_mode: 'wal' }]);
    assert.deepEqual(db().pragma('busy_timeout'), [{ timeout: 5000 }]);
    const other = new Database(dbPath, { readonly: true });
    assert.deepEqual(other.pragma('journal_mode'), [{ journal_mode: 'wal' }]);
    other.close();
  });

  it('opens one handle per path, initialises it once, and closes them all', () => {
    let inits = 0;
    const init = (handle: LedgerDb) => { inits += 1; handle.exec('CREATE TABLE IF NOT EXISTS t (x)'); };
    const a = pool.open(dbPath, init);
    assert.equal(pool.open(join(dir, 'state', '.', 'lorene-gate.db'), init), a);
    const b = pool.open(join(dir, 'usage.db'), init);
    assert.equal(inits, 2);
    pool.close();
    assert.deepEqual([a.open, b.open], [false, false]);
  });

  it('rejects a relative or empty ledger path', () => {
    for (const path of ['state/lorene-gate.db', '', '   ']) {
      assert.throws(() => pool.open(path, initGateLedgerSchema),
        (e: unknown) => e instanceof InvalidLedgerPathError && e.path === path);
    }
  });

  it('fails a malformed batch as a non-retryable InvalidLedgerBatch, writing nothing', async () => {
    const malformed: unknown[] = [
      { dbPath, ops: [seen(), { op: 'explode', at: 1 }] },
      { dbPath, ops: [seen(), { ...request(), threadId: undefined }] },
      { dbPath, ops: [{ ...status(), status: 'answered' }] },
      { dbPath: 'relative.db', ops: [] },
      { dbPath, ops: 'nope' },
    ];
    for (const batch of malformed) {
      await assert.rejects(ledger.applyGateLedger(batch as GateLedgerBatch), (e: unknown) =>
        e instanceof ApplicationFailure && e.type === 'InvalidLedgerBatch' && e.nonRetryable === true);
    }
    assert.equal(existsSync(dbPath), false);
  });

  it('names the first malformed field', () => {
    assert.throws(() => parseGateLedgerBatch({ dbPath, ops: [seen(), { ...seen(), messageId: '' }] }),
      (e: unknown) => e instanceof InvalidLedgerBatchError && e.field === 'ops[1].messageId');
    assert.throws(() => parseGateLedgerBatch({ dbPath, ops: [{ ...arm(), usesLeft: 1.5 }] }),
      (e: unknown) => e instanceof InvalidLedgerBatchError && e.field === 'ops[0].usesLeft');
    assert.deepEqual(parseGateLedgerBatch({ dbPath, ops: conversation }), { dbPath, ops: conversation });
  });
});
