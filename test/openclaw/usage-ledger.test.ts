/**
 * usage-ledger through OpenClaw's real loader and hook runner (Node 24), against a real dev server and the real
 * worker: the manifest is enforced, `llm_output` (with `model_call_ended`) fired by OpenClaw's runner becomes one
 * ledger row each, malformed payloads never reach the gateway as errors, and with Temporal unreachable records
 * wait in the outbox in the plugin's state dir until a restarted plugin delivers them.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RAW_JSON_MAX_CHARS } from '../../plugin-bridge/usage-ledger/raw-json.ts';
import { usageLedgerWorkflowId } from '../../workflows/usage/contract.ts';
import { readRows } from '../helpers/sqlite.ts';
import { eventually, tempDir } from '../helpers/temporal.ts';
import type { HookRun } from './host-client.ts';
import { assertConfigsRejected } from './plugin-load.ts';
import { withOpenClawHost } from './with-host.ts';

const pluginDir = fileURLToPath(new URL('../../plugin-bridge/usage-ledger/', import.meta.url));
const llmOutput = JSON.parse(readFileSync(new URL('../fixtures/usage/openclaw-llm-output.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const callEnded = JSON.parse(readFileSync(new URL('../fixtures/usage/openclaw-model-call-ended.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const tmp = tempDir('usage-openclaw');
const dbPath = join(tmp.dir, 'usage-ledger.db');
const stateDir = join(tmp.dir, 'state');
const outboxFile = join(stateDir, 'usage-ledger', 'outbox.jsonl');

const stack = withOpenClawHost({ temporal: true });
stack.onTeardown(() => tmp.cleanup());

const config = (overrides: Record<string, unknown> = {}) => ({ temporalAddress: stack.env.address, dbPath, retryIntervalMs: 200, ...overrides });
const agent = { agentId: 'main', sessionKey: 'agent:main:main' };
const ok = (run: HookRun) => assert.equal(run.ok, true, run.ok ? '' : run.error);
const rows = <T>(sql: string, ...params: unknown[]): T[] => (existsSync(dbPath) ? readRows<T>(dbPath, sql, ...params) : []);
const rowCount = (requestIdLike: string) => rows<{ n: number }>('SELECT COUNT(*) AS n FROM llm_usage_events WHERE request_id LIKE ?', requestIdLike)[0]?.n ?? 0;
const rowsFor = (n: number, requestIdLike: string) => eventually(`${n} rows for ${requestIdLike}`, () => (rowCount(requestIdLike) === n ? true : undefined), 20_000);

describe('usage-ledger in OpenClaw’s real loader and hook runner', () => {
  test('an invalid config is rejected naming the field (manifest schema and our parser)', async () => {
    await assertConfigsRejected(stack.host, { pluginDir, pluginId: 'usage-ledger' }, [
      [{ sendTimeoutMs: 'soon' }, /sendTimeoutMs/],
      [{ dbpath: '/x.db' }, /dbpath/],
    ]);
  });

  test('without allowConversationAccess the host drops the llm_output hook and says why', async () => {
    const loaded = await stack.host.load({ pluginDir, pluginId: 'usage-ledger', pluginConfig: config(), allowConversationAccess: false });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.deepEqual(loaded.hookNames, ['model_call_ended']);
    assert.ok(loaded.diagnostics.some((d) => /llm_output.*allowConversationAccess/.test(d.message)));
  });

  test('the plugin loads from its folder with llm_output, model_call_ended and its delivery service', async () => {
    const loaded = await stack.host.load({ pluginDir, pluginId: 'usage-ledger', pluginConfig: config() });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.deepEqual(loaded.hookNames.toSorted(), ['llm_output', 'model_call_ended']);
    assert.deepEqual(loaded.services, ['usage-ledger-delivery']);
    await stack.host.startServices({ stateDir });
  });

  test('each llm_output becomes one row in the agent’s ledger, with latency and outcome from the run’s model_call_ended', async () => {
    ok(await stack.host.run('runModelCallEnded', { ...callEnded, runId: 'oc-1', callId: 'c1', durationMs: 700, outcome: 'error' }, { runId: 'oc-1' }));
    ok(await stack.host.run('runModelCallEnded', { ...callEnded, runId: 'oc-1', callId: 'c2', durationMs: 812, outcome: 'completed' }, { runId: 'oc-1' }));
    const started = Date.now();
    ok(await stack.host.run('runLlmOutput', { ...llmOutput, runId: 'oc-1' }, { ...agent, runId: 'oc-1' }));
    ok(await stack.host.run('runLlmOutput', { ...llmOutput, runId: 'oc-2', usage: { input: 40, output: 2 } }, { runId: 'oc-2' }));
    const handedBack = Date.now() - started;
    await rowsFor(2, 'oc-%');
    assert.ok(handedBack < 1000, `the hooks returned at once (${handedBack} ms for two)`);
    const [row] = rows<Record<string, unknown>>("SELECT * FROM llm_usage_events WHERE request_id = 'oc-1'");
    assert.deepEqual(
      [row?.model, row?.provider, row?.input_tokens, row?.output_tokens, row?.total_tokens, row?.cache_read_input_tokens, row?.cache_creation_input_tokens, row?.latency_ms, row?.success, row?.source_event],
      ['claude-opus-4-1', 'anthropic', 18342, 611, 36115, 15872, 1290, 1512, 1, 'llm_output'],
    );
    assert.match(String(row?.event_id), /^llm_output:oc-1:p[0-9a-f]{32}$/);
    const [other] = rows<Record<string, unknown>>("SELECT latency_ms, total_tokens FROM llm_usage_events WHERE request_id = 'oc-2'");
    assert.deepEqual(other, { latency_ms: null, total_tokens: 42 });
    const main = await stack.env.client.workflow.getHandle(usageLedgerWorkflowId('main')).describe();
    const fallback = await stack.env.client.workflow.getHandle(usageLedgerWorkflowId('default')).describe();
    assert.deepEqual([main.status.name, fallback.status.name], ['RUNNING', 'RUNNING']);
  });

  test('the same llm_output fired twice is counted once; an llm_output without usage writes no row', async () => {
    const event = { ...llmOutput, runId: 'twice-1' };
    ok(await stack.host.run('runLlmOutput', event, agent));
    ok(await stack.host.run('runLlmOutput', event, agent));
    ok(await stack.host.run('runLlmOutput', { ...llmOutput, runId: 'twice-none', usage: {} }, agent));
    ok(await stack.host.run('runLlmOutput', { ...llmOutput, runId: 'twice-2' }, agent));
    await rowsFor(2, 'twice-%');
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(rows("SELECT request_id FROM llm_usage_events WHERE request_id LIKE 'twice-%' ORDER BY id"), [{ request_id: 'twice-1' }, { request_id: 'twice-2' }]);
  });

  test('malformed payloads (wrong types, huge strings, cycles) never throw into the gateway; readable usage still counts', async () => {
    for (const event of [{ usage: 'lots' }, { runId: 42, model: { name: 'x' }, usage: { input: 'many', output: -1 } }, { usage: null }, {}]) {
      ok(await stack.host.run('runLlmOutput', event as Record<string, unknown>, agent));
    }
    ok(await stack.host.run('runLlmOutput', { runId: 'bad-strings', model: 7, provider: ['x'], usage: { input: '12', output: '3' } }, agent));
    ok(await stack.host.run('runLlmOutput', { runId: 'bad-huge', prompt: 'p'.repeat(3_000_000), assistantTexts: ['a'.repeat(500_000)], usage: { input: 5 } }, agent));
    ok(await stack.host.run('runModelCallEnded', { runId: {}, durationMs: 'slow' }, {}));
    const cyclic = await stack.host.fireLlmOutputs({ template: { model: 'm', usage: { input: 1, output: 1 } }, ctx: agent, count: 3, runIdPrefix: 'bad-cycle-', cyclic: true });
    assert.deepEqual(cyclic.failures, []);
    await rowsFor(1, 'bad-strings');
    await rowsFor(1, 'bad-huge');
    await rowsFor(3, 'bad-cycle-%');
    const [strings] = rows<Record<string, unknown>>("SELECT model, provider, total_tokens FROM llm_usage_events WHERE request_id = 'bad-strings'");
    assert.deepEqual(strings, { model: '7', provider: null, total_tokens: 15 });
    const [huge] = rows<{ raw_json: string }>("SELECT raw_json FROM llm_usage_events WHERE request_id = 'bad-huge'");
    assert.ok((huge?.raw_json.length ?? Infinity) <= RAW_JSON_MAX_CHARS);
    const [cycle] = rows<{ raw_json: string }>("SELECT raw_json FROM llm_usage_events WHERE request_id = 'bad-cycle-0'");
    assert.equal(JSON.parse(cycle?.raw_json ?? '{}').self, '[Circular]');
    assert.doesNotMatch(stack.host.stderrText(), /handler from usage-ledger failed/);
  });

  test('Temporal unreachable: hooks still return at once, records wait in the outbox in the state dir, and a restarted plugin delivers them', async () => {
    const down = await stack.host.load({ pluginDir, pluginId: 'usage-ledger', pluginConfig: config({ temporalAddress: '127.0.0.1:1', sendTimeoutMs: 1000 }) });
    assert.equal(down.status, 'loaded', down.error ?? '');
    await stack.host.startServices({ stateDir });
    const fired = await stack.host.fireLlmOutputs({ template: llmOutput, ctx: agent, count: 50, runIdPrefix: 'outbox-' });
    assert.deepEqual(fired.failures, []);
    await eventually('records in the outbox file', () => (existsSync(outboxFile) && readFileSync(outboxFile, 'utf8').trimEnd().split('\n').length === 50 ? true : undefined));
    const logs = await stack.host.logs();
    assert.ok(logs.some((l) => l.level === 'warn' && /Temporal unreachable: usage records wait in the outbox/.test(l.message)));
    await stack.host.stopServices();
    assert.equal(rowCount('outbox-%'), 0);

    const back = await stack.host.load({ pluginDir, pluginId: 'usage-ledger', pluginConfig: config() });
    assert.equal(back.status, 'loaded', back.error ?? '');
    await stack.host.startServices({ stateDir });
    await rowsFor(50, 'outbox-%');
    await eventually('outbox removed once delivered', () => (existsSync(outboxFile) ? undefined : true));
  });

  test('enabled: false registers no hooks and no service', async () => {
    const loaded = await stack.host.load({ pluginDir, pluginId: 'usage-ledger', pluginConfig: config({ enabled: false }) });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.deepEqual([loaded.hookNames, loaded.services], [[], []]);
  });

  test('no unhandled rejection or uncaught exception reached the gateway process', async () => {
    assert.deepEqual(await stack.host.unhandled(), []);
  });
});
