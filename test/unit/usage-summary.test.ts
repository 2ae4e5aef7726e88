import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LedgerPool, type LedgerDb } from '../../activities/ledger-db.ts';
import { createUsageLedgerActivities } from '../../activities/usage-ledger.ts';
import { InvalidSinceError, parseSince, summarizeUsage } from '../../activities/usage-summary.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { type UsageRecord } from '../../workflows/usage/usage-record.ts';

const dir = mkdtempSync(join(tmpdir(), 'usage-summary-'));
const dbPath = join(dir, 'usage.db');
const pool = new LedgerPool();
let db: LedgerDb;

const SEP_01 = Date.UTC(2026, 8, 1, 10, 0, 0);
const SEP_02 = Date.UTC(2026, 8, 2, 23, 59, 0);
const AUG_20 = Date.UTC(2026, 7, 20, 8, 0, 0);

function row(eventId: string, now: number, payload: unknown): UsageRecord {
  const record = extractUsage(payload, 'llm_output', { eventId, now });
  assert.ok(record);
  return record;
}

before(async () => {
  const { appendUsage } = createUsageLedgerActivities({ pool, logger: { debug: () => undefined, warn: () => undefined } });
  await appendUsage({
    dbPath,
    records: [
      row('a', SEP_01, { provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 1000, output: 200, total: 1200, cacheWrite: 100, cacheRead: 500 } }),
      row('b', SEP_01, { provider: 'openai', model: 'gpt-4o', error: 'rate limited', usage: { prompt_tokens: 300, completion_tokens: 50 } }),
      row('c', SEP_02, { provider: 'anthropic', model: 'claude-opus-4-1', usage: { input_tokens: 2000, output_tokens: 100, cache_read_input_tokens: 1000 } }),
      row('d', SEP_02, { provider: 'anthropic', model: 'claude-haiku-4-5', usage: { input: 10, output: 5 } }),
      row('e', AUG_20, { provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 5000, outputTokens: 5000 } }),
    ],
  });
  db = pool.open(dbPath, () => undefined);
});
after(() => {
  pool.close();
  rmSync(dir, { recursive: true, force: true });
});

const totals = (events: number, inputTokens: number, outputTokens: number, totalTokens: number, cacheCreationInputTokens: number,
  cacheReadInputTokens: number, failures: number) =>
  ({ events, inputTokens, outputTokens, totalTokens, cacheCreationInputTokens, cacheReadInputTokens, failures, costUsd: 0, unpriced: events });

test('the summary since a date totals only rows at or after it, per model, per provider and per UTC day', () => {
  assert.deepEqual(summarizeUsage(db, SEP_01), {
    since: '2026-09-01T10:00:00.000Z',
    totals: totals(4, 3310, 355, 3665, 100, 1500, 1),
    byModel: [
      { model: 'claude-opus-4-1', ...totals(2, 3000, 300, 3300, 100, 1500, 0) },
      { model: 'gpt-4o', ...totals(1, 300, 50, 350, 0, 0, 1) },
      { model: 'claude-haiku-4-5', ...totals(1, 10, 5, 15, 0, 0, 0) },
    ],
    byProvider: [
      { provider: 'anthropic', ...totals(3, 3010, 305, 3315, 100, 1500, 0) },
      { provider: 'openai', ...totals(1, 300, 50, 350, 0, 0, 1) },
    ],
    byDay: [
      { day: '2026-09-01', ...totals(2, 1300, 250, 1550, 100, 500, 1) },
      { day: '2026-09-02', ...totals(2, 2010, 105, 2115, 0, 1000, 0) },
    ],
    byAgent: [{ agent: null, ...totals(4, 3310, 355, 3665, 100, 1500, 1) }],
  });
});

test('the summary for all time includes every row (since is null)', () => {
  const all = summarizeUsage(db, null);
  assert.equal(all.since, null);
  assert.deepEqual(all.totals, totals(5, 8310, 5355, 13665, 100, 1500, 1));
  assert.deepEqual(all.byModel.map((m) => [m.model, m.totalTokens]), [['gpt-4o', 10350], ['claude-opus-4-1', 3300], ['claude-haiku-4-5', 15]]);
  assert.deepEqual(all.byDay.map((d) => d.day), ['2026-08-20', '2026-09-01', '2026-09-02']);
});

test('a ledger without the table yet gives an empty summary', () => {
  const empty = new Database(':memory:');
  assert.deepEqual(summarizeUsage(empty, null), { since: null, totals: totals(0, 0, 0, 0, 0, 0, 0), byModel: [], byProvider: [], byDay: [], byAgent: [] });
  empty.close();
});

test('--since accepts durations (30m, 12h, 7d, 2w) and dates, and names a bad value', () => {
  const now = Date.UTC(2026, 8, 10, 12, 0, 0);
  assert.equal(parseSince('7d', now), now - 7 * 86_400_000);
  assert.equal(parseSince('12h', now), now - 12 * 3_600_000);
  assert.equal(parseSince('30m', now), now - 30 * 60_000);
  assert.equal(parseSince('2w', now), now - 14 * 86_400_000);
  assert.equal(parseSince('2026-09-01', now), Date.UTC(2026, 8, 1));
  assert.throws(() => parseSince('last week', now), (e: unknown) => e instanceof InvalidSinceError && e.value === 'last week');
  assert.throws(() => parseSince('7y', now), InvalidSinceError);
});
