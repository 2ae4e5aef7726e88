import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InvalidConfigError } from '../../plugin-bridge/shared/errors.ts';
import { outboxPathOf, parseUsageLedgerConfig, resolveUsageDbPath, USAGE_LEDGER_CONFIG_KEYS } from '../../plugin-bridge/usage-ledger/config.ts';
import { CallCorrelator } from '../../plugin-bridge/usage-ledger/correlate.ts';
import { runIdOf, usageRecordOf } from '../../plugin-bridge/usage-ledger/record.ts';

const manifest = JSON.parse(readFileSync(new URL('../../plugin-bridge/usage-ledger/openclaw.plugin.json', import.meta.url), 'utf8')) as {
  id: string;
  activation: { onStartup: boolean };
  configSchema: { additionalProperties: boolean; properties: Record<string, { default?: unknown }> };
};
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/usage/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

test('the manifest declares exactly the keys the parser knows, starts on startup, and its defaults are the parser\'s', () => {
  assert.equal(manifest.id, 'usage-ledger');
  assert.equal(manifest.activation.onStartup, true);
  assert.equal(manifest.configSchema.additionalProperties, false);
  assert.deepEqual(Object.keys(manifest.configSchema.properties).sort(), [...USAGE_LEDGER_CONFIG_KEYS].sort());
  const defaults = Object.fromEntries(Object.entries(manifest.configSchema.properties).filter(([, s]) => 'default' in s).map(([k, s]) => [k, s.default]));
  assert.deepEqual(parseUsageLedgerConfig(defaults), parseUsageLedgerConfig(undefined));
});

test('config defaults: enabled, no debug, the original keys; dbPath under the state dir', () => {
  const config = parseUsageLedgerConfig(undefined);
  assert.deepEqual(
    [config.enabled, config.debug, config.dbPath, config.taskQueue, config.sendTimeoutMs, config.batchMaxRecords, config.bufferMaxRecords, config.outboxMaxBytes],
    [true, false, null, 'openclaw-temporal', 5000, 500, 10_000, 256 * 1024 * 1024],
  );
  assert.equal(resolveUsageDbPath(config, '/home/u/.openclaw'), '/home/u/.openclaw/usage-ledger/usage-ledger.db');
  assert.equal(resolveUsageDbPath(parseUsageLedgerConfig({ dbPath: 'ledgers/u.db' }), '/st'), '/st/ledgers/u.db');
  assert.equal(resolveUsageDbPath(parseUsageLedgerConfig({ dbPath: '/abs/u.db' }), '/st'), '/abs/u.db');
  assert.equal(outboxPathOf('/st'), '/st/usage-ledger/outbox.jsonl');
  assert.deepEqual(parseUsageLedgerConfig({ temporalAddress: 'temporal:7233', temporalNamespace: 'prod' }).temporal, { address: 'temporal:7233', namespace: 'prod' });
});

test('an invalid config value is rejected naming the field; unknown keys are rejected like the schema does', () => {
  for (const [raw, field] of [
    [{ enabled: 'yes' }, 'enabled'],
    [{ sendTimeoutMs: 50 }, 'sendTimeoutMs'],
    [{ batchMaxRecords: 2.5 }, 'batchMaxRecords'],
    [{ outboxMaxBytes: 10 }, 'outboxMaxBytes'],
    [{ dbpath: '/x' }, 'dbpath'],
    [[], '(root)'],
  ] as const) {
    assert.throws(() => parseUsageLedgerConfig(raw), (err: unknown) => err instanceof InvalidConfigError && err.field === field, field);
  }
});

test('an empty dbPath (the original schema accepted it) loads: the default path, with a warning naming the field', () => {
  const warnings: string[] = [];
  const config = parseUsageLedgerConfig({ dbPath: '' }, (field) => warnings.push(field));
  assert.equal(resolveUsageDbPath(config, '/st'), '/st/usage-ledger/usage-ledger.db');
  assert.deepEqual(warnings, ['dbPath']);
});

test('model_call_ended adds latency (sum of the attempt\'s calls) and outcome to the run\'s next llm_output, once', () => {
  const calls = new CallCorrelator();
  calls.observe({ ...fixture('openclaw-model-call-ended'), callId: 'c1', durationMs: 1200, outcome: 'error' });
  calls.observe({ ...fixture('openclaw-model-call-ended'), callId: 'c2', durationMs: 5230, outcome: 'completed' });
  calls.observe({ ...fixture('openclaw-model-call-ended'), callId: 'c2', durationMs: 5230, outcome: 'completed' }); // the host fired it twice
  const event = fixture('openclaw-llm-output');
  const usage = usageRecordOf(event, { agentId: 'main' }, calls.take(runIdOf(event, {})), 1_757_500_000_000);
  assert.deepEqual([usage?.ledgerId, usage?.record.latencyMs, usage?.record.success, usage?.record.totalTokens], ['main', 6430, 1, 36115]);
  assert.equal(calls.take(runIdOf(event, {})), null, 'taken: the next attempt starts fresh');
});

test('a run whose last model call failed records success 0; without correlation latency stays as the payload says', () => {
  const calls = new CallCorrelator();
  calls.observe({ runId: 'r1', callId: 'c', durationMs: 30_000, outcome: 'error' });
  assert.equal(usageRecordOf({ runId: 'r1', usage: { input: 5 } }, {}, calls.take('r1'), 0)?.record.success, 0);
  const plain = usageRecordOf({ runId: 'r2', usage: { input: 5 } }, {}, calls.take('r2'), 0);
  assert.deepEqual([plain?.ledgerId, plain?.record.latencyMs, plain?.record.success], ['default', null, 1]);
  assert.equal(runIdOf({}, { runId: 'from-ctx' }), 'from-ctx');
});

test('the event id depends on the payload only: the same llm_output twice gives one id, latency does not change it, two attempts of a run differ', () => {
  const event = fixture('openclaw-llm-output');
  const a = usageRecordOf(event, {}, null, 1)?.record.eventId;
  const b = usageRecordOf(structuredClone(event), {}, { calls: 1, durationMs: 99, failed: true }, 2)?.record.eventId;
  const retry = usageRecordOf({ ...event, usage: { input: 1, output: 1 } }, {}, null, 3)?.record.eventId;
  assert.ok(a?.startsWith('llm_output:7f1c2e9a-3b4d-4e5f-8a6b-9c0d1e2f3a4b:p'));
  assert.equal(a, b);
  assert.notEqual(a, retry);
});

test('the correlation cache is bounded and ignores malformed model_call_ended events', () => {
  const calls = new CallCorrelator(3);
  for (const junk of [null, 'x', { runId: 'r' }, { runId: 'r', durationMs: -1 }, { runId: '', durationMs: 5 }, { durationMs: Number.NaN }]) calls.observe(junk);
  assert.equal(calls.size, 0);
  for (const runId of ['a', 'b', 'c', 'd']) calls.observe({ runId, durationMs: 10 });
  assert.equal(calls.size, 3);
  assert.equal(calls.take('a'), null, 'the oldest run was forgotten');
  assert.deepEqual(calls.take('d'), { calls: 1, durationMs: 10, failed: false });
});
