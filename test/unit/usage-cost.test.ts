// Cost per usage row, checked against hand-computed values for three providers' usage shapes (OpenAI: cached
// prompt tokens inside prompt_tokens; Anthropic: cache read and write beside input; Google: cachedContentTokenCount
// inside promptTokenCount) and OpenClaw's normalised llm_output usage, at prices in USD per million tokens as
// OpenClaw 2026.9.6 defines `models.providers.*.models[].cost`. Unknown prices stay NULL. The ledger stores the
// columns after the original's, migrates a ledger from before them, and `npm run usage` sums cost per agent.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LedgerPool } from '../../activities/ledger-db.ts';
import { createUsageLedgerActivities } from '../../activities/usage-ledger.ts';
import { summarizeUsage } from '../../activities/usage-summary.ts';
import { createPriceLookup, type UsageCost } from '../../plugin-bridge/usage-ledger/cost.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';
import { usageRecordOf, withAgentAndCost } from '../../plugin-bridge/usage-ledger/record.ts';

const openclawConfig = {
  models: {
    providers: {
      openai: { models: [{ id: 'gpt-4o', cost: { input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 0 } }] },
      anthropic: { models: [{ id: 'claude-sonnet-4-5', cost: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } }, { id: 'claude-unpriced' }] },
      google: {
        models: [{
          id: 'gemini-2.5-pro',
          cost: { input: 1.25, output: 10, cacheRead: 0.31, cacheWrite: 0, tieredPricing: [
            { range: [0, 200_000], input: 1.25, output: 10, cacheRead: 0.31, cacheWrite: 0 },
            { range: [200_000], input: 2.5, output: 15, cacheRead: 0.625, cacheWrite: 0 },
          ] },
        }],
      },
      partial: { models: [{ id: 'no-cache-rate', cost: { input: 1, output: 2 } }] },
    },
  },
};
const priceOf = createPriceLookup({ 'scripted/scripted-1': { input: 5, output: 10 }, 'openai/gpt-4o-mini': { input: 0.15, output: 0.6 } }, openclawConfig);

function costOf(event: Record<string, unknown>, ctx: Record<string, unknown> = { agentId: 'main', sessionKey: 'agent:main:main' }): UsageRecord {
  const usage = usageRecordOf({ runId: 'r1', ...event }, ctx, null, 1_764_000_000_000);
  assert.ok(usage, 'the payload has usage');
  return withAgentAndCost(usage.record, event, ctx, priceOf);
}

function assertCost(record: UsageRecord, expected: Omit<UsageCost, 'currency'>): void {
  for (const [key, value] of Object.entries(expected)) {
    const actual = record[key as keyof UsageCost];
    if (value === null) assert.equal(actual, null, key);
    else assert.ok(typeof actual === 'number' && Math.abs(actual - value) < 1e-12, `${key}: ${String(actual)} ≠ ${value}`);
  }
  assert.equal(record.currency, expected.costTotal === null && expected.costInput === null ? null : 'USD');
}

test('OpenAI shape: cached prompt tokens are inside prompt_tokens, billed once at the cache-read rate', () => {
  const record = costOf({ provider: 'openai', model: 'gpt-4o', usage: { prompt_tokens: 1200, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 200 } } });
  // input (1200 − 200) × 2.5 / 1e6 = 0.0025; output 300 × 10 / 1e6 = 0.003; cache read 200 × 1.25 / 1e6 = 0.00025
  assertCost(record, { costInput: 0.0025, costOutput: 0.003, costCacheRead: 0.00025, costCacheWrite: 0, costTotal: 0.00575 });
  assert.deepEqual([record.inputTokens, record.cacheReadInputTokens, record.agentId, record.sessionKey], [1200, 200, 'main', 'agent:main:main'], 'the token columns keep the original rule');
});

test('Anthropic shape: cache read and cache write are billed beside input at their own rates', () => {
  const record = costOf({ provider: 'anthropic', model: 'claude-sonnet-4-5', usage: { input_tokens: 2000, output_tokens: 500, cache_creation_input_tokens: 1000, cache_read_input_tokens: 4000 } });
  // 2000 × 3 = 0.006; 500 × 15 = 0.0075; 4000 × 0.3 = 0.0012; 1000 × 3.75 = 0.00375 (per 1e6)
  assertCost(record, { costInput: 0.006, costOutput: 0.0075, costCacheRead: 0.0012, costCacheWrite: 0.00375, costTotal: 0.01845 });
});

test('Google shape: cachedContentTokenCount is inside promptTokenCount; the tier follows the prompt size', () => {
  const small = costOf({ provider: 'google', model: 'gemini-2.5-pro', usageMetadata: { promptTokenCount: 10_000, candidatesTokenCount: 2000, cachedContentTokenCount: 4000, totalTokenCount: 12_000 } });
  // input 6000 × 1.25 = 0.0075; output 2000 × 10 = 0.02; cache read 4000 × 0.31 = 0.00124
  assertCost(small, { costInput: 0.0075, costOutput: 0.02, costCacheRead: 0.00124, costCacheWrite: 0, costTotal: 0.02874 });
  const large = costOf({ provider: 'google', model: 'gemini-2.5-pro', usageMetadata: { promptTokenCount: 300_000, candidatesTokenCount: 1000 } });
  // the second tier: 300000 × 2.5 = 0.75; 1000 × 15 = 0.015
  assertCost(large, { costInput: 0.75, costOutput: 0.015, costCacheRead: 0, costCacheWrite: 0, costTotal: 0.765 });
});

test("OpenClaw's normalised llm_output usage, priced from the plugin's prices table (which wins over the OpenClaw config)", () => {
  const record = costOf({ provider: 'scripted', model: 'scripted-1', usage: { input: 1000, output: 100, cacheRead: 0, cacheWrite: 0, total: 1100 } });
  assertCost(record, { costInput: 0.005, costOutput: 0.001, costCacheRead: 0, costCacheWrite: 0, costTotal: 0.006 });
  const mini = costOf({ provider: 'openai', model: 'gpt-4o-mini', usage: { input: 1_000_000, output: 1_000_000 } });
  assertCost(mini, { costInput: 0.15, costOutput: 0.6, costCacheRead: 0, costCacheWrite: 0, costTotal: 0.75 });
});

test('an unknown price is NULL, never a guess; a bucket without a rate makes its cost and the total NULL', () => {
  const none = { costInput: null, costOutput: null, costCacheRead: null, costCacheWrite: null, costTotal: null };
  assertCost(costOf({ provider: 'anthropic', model: 'claude-unpriced', usage: { input: 10, output: 5 } }), none);
  assertCost(costOf({ provider: 'nobody', model: 'x', usage: { input: 10, output: 5 } }), none);
  assertCost(costOf({ model: 'gpt-4o', usage: { input: 10, output: 5 } }), none);
  const partial = costOf({ provider: 'partial', model: 'no-cache-rate', usage: { input: 1000, output: 1000, cacheRead: 10 } });
  assert.deepEqual([partial.costCacheRead, partial.costTotal, partial.currency], [null, null, 'USD']);
  const noCache = costOf({ provider: 'partial', model: 'no-cache-rate', usage: { input: 1000, output: 1000 } });
  assertCost(noCache, { costInput: 0.001, costOutput: 0.002, costCacheRead: 0, costCacheWrite: 0, costTotal: 0.003 });
});

const dir = mkdtempSync(join(tmpdir(), 'usage-cost-'));
const pool = new LedgerPool();
after(() => {
  pool.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a ledger from before cost columns is migrated in place; priced rows sum per agent, unpriced ones are counted apart', async () => {
  const dbPath = join(dir, 'before-cost.db');
  const old = new Database(dbPath);
  old.exec(`CREATE TABLE llm_usage_events (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, request_id TEXT, model TEXT, provider TEXT,
    input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0, total_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_input_tokens INTEGER NOT NULL DEFAULT 0, cache_read_input_tokens INTEGER NOT NULL DEFAULT 0, latency_ms INTEGER,
    success INTEGER NOT NULL DEFAULT 1, source_event TEXT, raw_json TEXT, event_id TEXT);
    INSERT INTO llm_usage_events (ts, model, provider, input_tokens, output_tokens, total_tokens, event_id) VALUES (1764000000000, 'gpt-4o', 'openai', 7, 3, 10, 'old');`);
  old.close();
  const { appendUsage } = createUsageLedgerActivities({ pool, logger: { debug: () => undefined, warn: () => undefined } });
  const anthropic = { ...costOf({ provider: 'anthropic', model: 'claude-sonnet-4-5', usage: { input_tokens: 2000, output_tokens: 500, cache_creation_input_tokens: 1000, cache_read_input_tokens: 4000 } }), eventId: 'a' };
  const openai = { ...costOf({ provider: 'openai', model: 'gpt-4o', usage: { prompt_tokens: 1200, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 200 } } }, { agentId: 'ops' }), eventId: 'b' };
  const unpriced = { ...costOf({ provider: 'nobody', model: 'x', usage: { input: 10, output: 5 } }), eventId: 'c' };
  assert.deepEqual(await appendUsage({ dbPath, records: [anthropic, openai, unpriced] }), { inserted: 3 });

  const db = pool.open(dbPath, () => undefined);
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('llm_usage_events') ORDER BY cid").all().map((c) => c.name);
  assert.deepEqual(columns.slice(-7), ['agent_id', 'cost_input', 'cost_output', 'cost_cache_read', 'cost_cache_write', 'cost_total', 'currency']);
  const rows = db.prepare('SELECT event_id, agent_id, cost_total, currency FROM llm_usage_events ORDER BY id').all();
  assert.deepEqual(rows.map((r) => ({ ...(r as Record<string, unknown>), cost_total: (r as { cost_total: number | null }).cost_total === null ? null : Number((r as { cost_total: number }).cost_total.toFixed(8)) })), [
    { event_id: 'old', agent_id: null, cost_total: null, currency: null },
    { event_id: 'a', agent_id: 'main', cost_total: 0.01845, currency: 'USD' },
    { event_id: 'b', agent_id: 'ops', cost_total: 0.00575, currency: 'USD' },
    { event_id: 'c', agent_id: 'main', cost_total: null, currency: null },
  ]);
  const summary = summarizeUsage(db, null);
  assert.deepEqual(summary.byAgent.map((a) => [a.agent, Number(a.costUsd.toFixed(8)), a.unpriced, a.events]), [['main', 0.01845, 1, 2], ['ops', 0.00575, 0, 1], [null, 0, 1, 1]]);
  assert.equal(Number(summary.totals.costUsd.toFixed(8)), 0.0242);
  assert.equal(summary.totals.unpriced, 2);
  assert.deepEqual(summary.byProvider.map((p) => [p.provider, Number(p.costUsd.toFixed(8))]), [['anthropic', 0.01845], ['openai', 0.00575], ['nobody', 0]]);
});
