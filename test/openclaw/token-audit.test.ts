/**
 * token-audit through OpenClaw's real loader and hook runner (Node 24): one JSON line per `llm_output`, the
 * large-prompt warning and dump from `llm_input`, paths under the OpenClaw state dir by default, and malformed
 * payloads (wrong types, huge strings, cycles) that never reach the gateway as errors.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually, tempDir } from '../helpers/temporal.ts';
import type { HookRun } from './host-client.ts';
import { withOpenClawHost } from './with-host.ts';

const pluginDir = fileURLToPath(new URL('../../plugin-bridge/token-audit/', import.meta.url));
const tmp = tempDir('token-audit-openclaw');
const auditPath = join(tmp.dir, 'audit', 'token-audit.jsonl');
const dumpPath = join(tmp.dir, 'audit', 'large-prompt.json');
const agent = { agentId: 'main', sessionKey: 'agent:main:main', sessionId: 'sess-1' };
const ok = (run: HookRun) => assert.equal(run.ok, true, run.ok ? '' : run.error);
const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : []);
const settle = () => new Promise((r) => setTimeout(r, 300));
/** The audit lines once there are `n` of them (writes are chained off the hook, so they land shortly after it returns). */
const linesOnce = (path: string, n: number) => eventually(`${n} audit lines`, () => { const l = lines(path); return l.length === n ? l : undefined; }, 10_000);

const stack = withOpenClawHost();
stack.onTeardown(() => tmp.cleanup());

describe('token-audit in OpenClaw’s real loader and hook runner', () => {
  test('the plugin loads with llm_input and llm_output (with allowConversationAccess); an invalid config fails naming the field', async () => {
    const bad = await stack.host.load({ pluginDir, pluginId: 'token-audit', pluginConfig: { largePromptChars: 10 } });
    assert.equal(bad.status, 'error');
    assert.match(bad.error ?? '', /largePromptChars/);
    const loaded = await stack.host.load({ pluginDir, pluginId: 'token-audit', pluginConfig: { auditPath, dumpPath, largePromptChars: 100_000 } });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.deepEqual(loaded.hookNames.toSorted(), ['llm_input', 'llm_output']);
  });

  test('one JSON line per llm_output, in order, with usage {input, output, cacheRead, cacheWrite, total}', async () => {
    ok(await stack.host.run('runLlmOutput', { runId: 'r-1', sessionId: 'sess-1', provider: 'anthropic', model: 'claude-opus-4-1', assistantTexts: [], usage: { input: 100, output: 20, cacheRead: 80, cacheWrite: 5, total: 205 } }, agent));
    ok(await stack.host.run('runLlmOutput', { runId: 'r-2', sessionId: 'sess-1', provider: 'openai', model: 'gpt-4o', assistantTexts: [], usage: { input: 7, output: 3 } }, agent));
    const fired = await stack.host.fireLlmOutputs({ template: { sessionId: 'sess-1', provider: 'openai', model: 'gpt-4o', assistantTexts: [], usage: { input: 1, output: 1 } }, ctx: agent, count: 200, runIdPrefix: 'bulk-' });
    assert.deepEqual(fired.failures, []);
    const written = await linesOnce(auditPath, 202);
    assert.deepEqual(written.map((l) => l.runId), ['r-1', 'r-2', ...Array.from({ length: 200 }, (_, i) => `bulk-${i}`)]);
    const { timestamp, ...first } = written[0] ?? {};
    assert.match(String(timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(first, { sessionId: 'sess-1', runId: 'r-1', provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 100, output: 20, cacheRead: 80, cacheWrite: 5, total: 205 } });
    assert.deepEqual(written[1]?.usage, { input: 7, output: 3, cacheRead: 0, cacheWrite: 0, total: 10 });
  });

  test('a prompt over largePromptChars logs the warning with its breakdown and overwrites the dump; a small one does neither', async () => {
    ok(await stack.host.run('runLlmInput', { runId: 'small', sessionId: 'sess-1', provider: 'openai', model: 'gpt-4o', prompt: 'hi', historyMessages: [], imagesCount: 0 }, agent));
    await settle();
    assert.equal(existsSync(dumpPath), false);
    const history = [{ role: 'user', content: 'h'.repeat(30_000) }, { role: 'assistant', content: 'ok' }];
    ok(await stack.host.run('runLlmInput', { runId: 'big', sessionId: 'sess-1', provider: 'anthropic', model: 'claude-opus-4-1', systemPrompt: 'S'.repeat(20_000), prompt: 'P'.repeat(60_000), historyMessages: history, imagesCount: 0 }, agent));
    await eventually('the dump file', () => (existsSync(dumpPath) ? true : undefined));
    const dump = JSON.parse(readFileSync(dumpPath, 'utf8')) as Record<string, unknown>;
    const historyChars = JSON.stringify(history).length;
    assert.deepEqual(
      [dump.runId, dump.sessionKey, dump.promptLen, dump.historyLen, dump.systemLen, dump.historyCount, dump.totalChars, dump.largePromptChars],
      ['big', 'agent:main:main', 60_000, historyChars, 20_000, 2, 80_000 + historyChars, 100_000],
    );
    assert.equal(dump.promptPreview, 'P'.repeat(2000));
    assert.equal(dump.systemPromptPreview, 'S'.repeat(2000));
    const warn = (await stack.host.logs()).find((l) => l.level === 'warn' && /token-audit: large prompt/.test(l.message));
    assert.ok(warn, 'a warning was logged');
    assert.match(warn.message, new RegExp(`"totalChars":${80_000 + historyChars}`));
  });

  test('malformed payloads (wrong types, huge strings, cycles) are ignored without throwing into the gateway', async () => {
    const before = lines(auditPath).length;
    ok(await stack.host.run('runLlmOutput', { runId: 5, provider: {}, usage: { input: 'x', output: null, total: 'many' } }, agent));
    ok(await stack.host.run('runLlmOutput', { runId: 'huge', model: 'm'.repeat(1_000_000), assistantTexts: ['a'.repeat(2_000_000)], usage: 'lots' }, agent));
    ok(await stack.host.run('runLlmInput', { prompt: 42, systemPrompt: ['x'], historyMessages: 'nope' }, agent));
    const cyclic = await stack.host.fireLlmOutputs({ template: { model: 'm', usage: { input: 2, output: 2 } }, ctx: agent, count: 2, runIdPrefix: 'cycle-', cyclic: true });
    assert.deepEqual(cyclic.failures, []);
    const written = (await linesOnce(auditPath, before + 4)).slice(before);
    assert.deepEqual(written.map((l) => [l.runId, (l.usage as Record<string, number>).total]), [[undefined, 0], ['huge', 0], ['cycle-0', 4], ['cycle-1', 4]]);
    assert.doesNotMatch(stack.host.stderrText(), /handler from token-audit failed/);
  });

  test('without configured paths the audit file goes under the OpenClaw state dir', async () => {
    const loaded = await stack.host.load({ pluginDir, pluginId: 'token-audit', pluginConfig: {} });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    ok(await stack.host.run('runLlmOutput', { runId: 'default-path', provider: 'openai', model: 'gpt-4o', assistantTexts: [], usage: { input: 1, output: 2 } }, agent));
    const written = await linesOnce(join(stack.host.dirs.stateDir, 'logs', 'token-audit.jsonl'), 1);
    assert.deepEqual(written.map((l) => l.runId), ['default-path']);
  });

  test('admission control (off by default): a run whose prompt exceeds maxPromptChars is blocked with a clear reason', async () => {
    const loaded = await stack.host.load({ pluginDir, pluginId: 'token-audit', pluginConfig: { auditPath, dumpPath, maxPromptChars: 5000 } });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.ok(loaded.hookNames.includes('before_agent_run'));
    const small = await stack.host.run('runBeforeAgentRun', { prompt: 'hello', messages: [], systemPrompt: 'be brief' }, agent);
    assert.equal(small.ok, true);
    type Gate = { decision?: { outcome?: string; reason?: string }; pluginId?: string } | undefined;
    assert.notEqual((small.ok ? (small.result as Gate) : undefined)?.decision?.outcome, 'block');
    const big = await stack.host.run('runBeforeAgentRun', { prompt: 'x'.repeat(6000), messages: [{ role: 'user', content: 'y' }], systemPrompt: 'be brief' }, agent);
    const verdict = big.ok ? (big.result as Gate)?.decision : undefined;
    assert.equal(verdict?.outcome, 'block', JSON.stringify(big));
    assert.match(verdict?.reason ?? '', /over maxPromptChars 5000/);
    const off = await stack.host.load({ pluginDir, pluginId: 'token-audit', pluginConfig: { auditPath, dumpPath } });
    assert.ok(!off.hookNames.includes('before_agent_run'), 'off by default');
  });

  test('no unhandled rejection or uncaught exception reached the gateway process', async () => {
    assert.deepEqual(await stack.host.unhandled(), []);
  });
});
