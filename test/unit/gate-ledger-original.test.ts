// The original plugin's own `lorene-gate.db` (its CREATE statements verbatim, test/fixtures/) adopted in place:
// every gate path — seen, trigger with and without a message id, reply, blocked, expiry, recovery, missed — goes
// through our bridge rules, decide.ts and the real ledger activity into it, and the rows equal what the original's
// rules (re-implemented below from the facts in the reference, on a second copy of the same schema) write.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createGateLedgerActivities } from '../../activities/gate-ledger.ts';
import { LedgerPool } from '../../activities/ledger-db.ts';
import { parseGateConfig } from '../../plugin-bridge/lorene-gate/config.ts';
import { classifyInbound } from '../../plugin-bridge/lorene-gate/inbound.ts';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { applyTrigger, decideOutbound, type Decided } from '../../workflows/gate/decide.ts';
import { expireDue } from '../../workflows/gate/expiry.ts';
import { initialGateState, type GateState } from '../../workflows/gate/state.ts';

const SCHEMA = readFileSync(new URL('../fixtures/lorene-gate-original-schema.sql', import.meta.url), 'utf8');
const PEER = '+491701112233';
const SENDER = '+491701234567';
const TTL = 120_000;
const MISSED = 600_000;
const T0 = 1_735_819_200_000;

/** The original's rules for one protected peer, from the reference's facts (schema, keys, clamps, regexes). */
class OriginalRules {
  readonly #trigger = /^\s*friday:\s*/i;
  constructor(readonly db: Database.Database) {}

  received(from: string, content: string, messageId: string, now: number): void {
    const text = content.trim();
    const id = messageId.trim();
    const seen = this.db.prepare(`INSERT INTO seen_messages VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, message_id)
      DO UPDATE SET sender = excluded.sender, peer = excluded.peer, triggered = excluded.triggered, request_id = excluded.request_id, thread_id = excluded.thread_id`);
    if (id) seen.run('whatsapp', id, from, PEER, 0, null, null, now);
    if (from !== SENDER || !this.#trigger.test(text)) return;
    const body = text.replace(this.#trigger, '').trim();
    if (!/[\p{L}\p{N}]/u.test(body)) return;
    this.db.prepare('DELETE FROM arms WHERE expires_at <= ? OR uses_left <= 0').run(now);
    const requestId = `whatsapp:${id || now}`;
    const lower = body.toLowerCase();
    const topic = /(movie|show|episode|series|plex|radarr|sonarr)/.test(lower) ? 'media' : /(calendar|remind|reminder|schedule|meeting)/.test(lower) ? 'scheduling' : 'general';
    const found = this.db.prepare('SELECT thread_id FROM threads WHERE channel = ? AND peer = ? AND topic = ? ORDER BY updated_at DESC LIMIT 1').get('whatsapp', PEER, topic) as { thread_id: string } | undefined;
    const threadId = found?.thread_id ?? `whatsapp:${PEER}:${topic}:${now}`;
    this.db.prepare('INSERT INTO threads VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (thread_id) DO UPDATE SET updated_at = excluded.updated_at').run(threadId, 'whatsapp', PEER, topic, now, now);
    this.db.prepare('INSERT OR REPLACE INTO requests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(requestId, 'whatsapp', from, PEER, id || requestId, threadId, text, body, 'received', now, now, null);
    if (id) seen.run('whatsapp', id, from, PEER, 1, requestId, threadId, now);
    this.db.prepare('INSERT OR REPLACE INTO arms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(`whatsapp:${PEER}`, 'whatsapp', PEER, requestId, id, from, now + TTL, 3, now);
  }

  sending(content: string, now: number): boolean {
    this.db.prepare('DELETE FROM arms WHERE expires_at <= ? OR uses_left <= 0').run(now);
    const key = `whatsapp:${PEER}`;
    let arm = this.db.prepare('SELECT * FROM arms WHERE arm_key = ?').get(key) as { request_id: string; uses_left: number } | undefined;
    if (arm === undefined) {
      const pending = this.db.prepare("SELECT request_id, created_at FROM requests WHERE channel = ? AND peer = ? AND status = 'received' ORDER BY created_at DESC LIMIT 1").get('whatsapp', PEER) as { request_id: string; created_at: number } | undefined;
      if (pending === undefined) return false;
      if (now - pending.created_at > MISSED) {
        this.db.prepare('UPDATE requests SET status = ?, updated_at = ? WHERE request_id = ?').run('missed', now, pending.request_id);
        return false;
      }
      arm = { request_id: pending.request_id, uses_left: 1 };
    }
    const left = arm.uses_left - 1;
    if (left <= 0) this.db.prepare('DELETE FROM arms WHERE arm_key = ?').run(key);
    else this.db.prepare('INSERT OR REPLACE INTO arms SELECT arm_key, channel, peer, request_id, source_message_id, sender, ?, ?, ? FROM arms WHERE arm_key = ?').run(now + TTL, left, now, key);
    this.db.prepare('UPDATE requests SET status = ?, updated_at = ?, last_response_at = ? WHERE request_id = ?').run('responded', now, now, arm.request_id);
    this.db.prepare('INSERT INTO responses (request_id, outbound_message_id, channel, peer, kind, content, created_at) VALUES (?, NULL, ?, ?, ?, ?, ?)').run(arm.request_id, 'whatsapp', PEER, 'text', content.trim() || null, now);
    return true;
  }
}

const ORIGINAL_COLUMNS: Readonly<Record<string, string>> = {
  seen_messages: 'channel, message_id, sender, peer, triggered, request_id, thread_id, created_at',
  threads: 'thread_id, channel, peer, topic, created_at, updated_at',
  requests: 'request_id, channel, sender, peer, inbound_message_id, thread_id, trigger_text, body, status, created_at, updated_at, last_response_at',
  responses: 'id, request_id, outbound_message_id, channel, peer, kind, content, created_at',
  arms: 'arm_key, channel, peer, request_id, source_message_id, sender, expires_at, uses_left, updated_at',
};
const dump = (db: Database.Database) =>
  Object.fromEntries(Object.entries(ORIGINAL_COLUMNS).map(([t, cols]) => [t, db.prepare(`SELECT ${cols} FROM ${t} ORDER BY 1, 2`).all()]));

describe('the original lorene-gate.db, adopted in place', () => {
  let dir: string;
  let pool: LedgerPool;
  let ours: string;
  let original: OriginalRules;
  let state: GateState;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gate-original-'));
    ours = join(dir, 'lorene-gate.db');
    for (const file of [ours, join(dir, 'original.db')]) {
      const db = new Database(file);
      db.exec(SCHEMA);
      db.close();
    }
    original = new OriginalRules(new Database(join(dir, 'original.db')));
    pool = new LedgerPool();
    state = initialGateState('whatsapp', PEER);
  });
  afterEach(() => {
    original.db.close();
    pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = parseGateConfig({ protectedTo: [PEER], allowedFrom: [SENDER] });
  const runtime = (): GateRuntimeConfig => ({ armTtlMs: TTL, maxUsesPerArm: 3, missedResponseTtlMs: MISSED, dbPath: ours });
  const ledger = () => createGateLedgerActivities({ pool, logger: { debug: () => undefined, warn: () => undefined } });
  let decision = 0;

  async function apply<T>(decided: Decided<T>): Promise<T> {
    state = decided.state;
    await ledger().applyGateLedger({ dbPath: ours, ops: decided.ops });
    return decided.result;
  }
  async function receive(from: string, content: string, messageId: string, now: number): Promise<void> {
    original.received(from, content, messageId, now);
    const action = classifyInbound(config, runtime(), { from, content, messageId }, { channelId: 'whatsapp', conversationId: PEER }, now);
    if (action.kind === 'seen') await ledger().applyGateLedger({ dbPath: ours, ops: [action.row] });
    if (action.kind === 'trigger') await apply(applyTrigger(state, action.trigger, now));
  }
  async function send(content: string, now: number): Promise<string> {
    const delivered = original.sending(content, now);
    const ourDecision = await apply(decideOutbound(state, { decisionId: `d-${++decision}`, content, config: runtime() }, now));
    assert.equal(ourDecision.action === 'deliver', delivered, `the same decision at ${now - T0} ms`);
    return ourDecision.action;
  }
  const rows = (sql: string) => pool.open(ours, () => undefined).prepare(sql).all();

  it('writes every path into the verbatim schema, row for row as the original', async () => {
    await receive('+491709999999', 'hello', ' in-1 ', T0); // seen only
    await receive(SENDER, '  Friday:   play the new movie  ', 'trig-1', T0 + 10);
    assert.equal(await send('  first answer ', T0 + 20), 'deliver');
    await receive(SENDER, 'friday: reschedule the dentist', '', T0 + 30); // no message id
    assert.equal(await send('done', T0 + 40), 'deliver');
    assert.equal(await send('', T0 + 50), 'deliver');
    assert.equal(await send('third', T0 + 60), 'deliver');
    assert.equal(await send('one too many', T0 + 70), 'cancel'); // blocked: no arm, nothing waiting
    await receive(SENDER, 'friday: showtime tonight?', 'trig-2', T0 + 100);
    await apply(expireDue(state, T0 + 100 + TTL)); // expiry by timer (the original deletes the arm lazily)
    assert.equal(await send('recovered answer', T0 + 100 + TTL + 5), 'deliver'); // watchdog recovery for trig-2
    await receive(SENDER, 'friday: reminding me about lunch', 'trig-3', T0 + 1_000_000);
    await apply(expireDue(state, T0 + 1_000_000 + TTL));
    assert.equal(await send('far too late', T0 + 1_000_000 + MISSED + 1), 'cancel'); // missed
    assert.deepEqual(dump(pool.open(ours, () => undefined)), dump(original.db));

    assert.deepEqual(rows("SELECT request_id, inbound_message_id, trigger_text, body FROM requests WHERE request_id = 'whatsapp:1735819200030'"),
      [{ request_id: 'whatsapp:1735819200030', inbound_message_id: 'whatsapp:1735819200030', trigger_text: 'friday: reschedule the dentist', body: 'reschedule the dentist' }]);
    assert.deepEqual(rows('SELECT topic FROM threads ORDER BY created_at').map((r) => (r as { topic: string }).topic), ['media', 'scheduling']);
    const reasons = rows('SELECT reason FROM blocked_messages ORDER BY id').map((r) => (r as { reason: string }).reason);
    assert.equal(reasons.length, 2);
    assert.match(reasons[0] ?? '', /^no live arm/);
    assert.match(reasons[1] ?? '', /^request whatsapp:trig-3 was missed/);
    assert.equal(rows("SELECT * FROM responses WHERE kind != 'text'").length, 0, 'responses keep the original meaning: messages sent');
  });
});
