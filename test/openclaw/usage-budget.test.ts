/**
 * usage-ledger budgets through OpenClaw's real loader and hook runner (Node 24), against a real dev server and
 * the real worker: the manifest takes the new keys, `before_agent_run` is registered only with a block budget,
 * llm_output rows priced from the plugin's table reach the budget workflow, and the host's own
 * `runBeforeAgentRun` then refuses the agent with a reason naming the budget (a warn budget lets runs through
 * and puts the alert into the agent's session as a system event). Each ledger row carries its cost.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eventually, startTestServer, startWorkers, tempDir, type RunningWorkers } from '../helpers/temporal.ts';
import { readRows } from '../helpers/sqlite.ts';
import { startOpenClawHost, type HookRun, type OpenClawHost } from './host-client.ts';

const pluginDir = fileURLToPath(new URL('../../plugin-bridge/usage-ledger/', import.meta.url));
const llmOutput = JSON.parse(readFileSync(new URL('../fixtures/usage/openclaw-llm-output.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const tmp = tempDir('usage-budget-openclaw');
const dbPath = join(tmp.dir, 'usage-ledger.db');
// Opus prices (USD per million tokens). The fixture's usage (input 18342, output 611, cache read 15872, cache
// write 1290) costs 0.27513 + 0.045825 + 0.023808 + 0.0241875 = 0.3689505 per run.
const prices = { 'anthropic/claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 } };

let env: TestWorkflowEnvironment;
let workers: RunningWorkers;
let host: OpenClawHost;

type Gate = { decision?: { outcome?: string; reason?: string; message?: string; category?: string }; pluginId?: string } | undefined;
const decision = (run: HookRun) => (run.ok ? (run.result as Gate)?.decision : { outcome: `error: ${run.error}` });
const ok = (run: HookRun) => assert.equal(run.ok, true, run.ok ? '' : run.error);

before(async () => {
  env = await startTestServer();
  workers = await startWorkers(env);
  host = await startOpenClawHost();
});

after(async () => {
  await host?.stopServices().catch(() => undefined);
  await host?.close();
  await workers?.stop();
  await env?.teardown();
  tmp.cleanup();
});

test('a block budget refuses the agent in the host’s runBeforeAgentRun once priced usage crosses it; a warn budget tells the session', { timeout: 180_000 }, async () => {
  const off = await host.load({ pluginDir, pluginId: 'usage-ledger', pluginConfig: { temporalAddress: env.address, dbPath, prices } });
  assert.equal(off.status, 'loaded', off.error ?? '');
  assert.ok(!off.hookNames.includes('before_agent_run'), 'no budgets: no gate');
  const budgets = {
    enabled: true, refreshIntervalMs: 300, systemEvents: true,
    limits: [{ agent: 'main', usd: 0.5, mode: 'block' }, { agent: 'ops', usd: 0.5, mode: 'warn' }],
  };
  const loaded = await host.load({ pluginDir, pluginId: 'usage-ledger', pluginConfig: { temporalAddress: env.address, dbPath, retryIntervalMs: 200, prices, budgets } });
  assert.equal(loaded.status, 'loaded', loaded.error ?? '');
  assert.ok(loaded.hookNames.includes('before_agent_run'), JSON.stringify(loaded.hookNames));
  await host.startServices({ stateDir: join(tmp.dir, 'state') });

  const main = { agentId: 'main', sessionKey: 'agent:main:main' };
  const ops = { agentId: 'ops', sessionKey: 'agent:ops:main' };
  const prompt = { prompt: 'hello', messages: [] };
  assert.notEqual(decision(await host.run('runBeforeAgentRun', prompt, main))?.outcome, 'block');
  for (const [ctx, runs] of [[main, ['m1', 'm2']], [ops, ['o1', 'o2']]] as const) {
    for (const runId of runs) ok(await host.run('runLlmOutput', { ...llmOutput, runId }, { ...ctx, runId }));
  }

  const refused = await eventually('the main agent is refused', async () => {
    const verdict = decision(await host.run('runBeforeAgentRun', prompt, main));
    return verdict?.outcome === 'block' ? verdict : undefined;
  }, 60_000);
  assert.equal(refused.reason, 'usage budget main/day reached: agent main: $0.74 of $0.50 today, resets 00:00 UTC');
  assert.equal(refused.category, 'cost_limit');
  assert.notEqual(decision(await host.run('runBeforeAgentRun', prompt, ops))?.outcome, 'block', 'warn mode never blocks');
  const alerts = await eventually('the warn alert in the ops session', async () => {
    const events = await host.peekSystemEvents('agent:ops:main');
    return events.some((e) => e.text.startsWith('Usage budget reached: agent ops: $0.74 of $0.50 today')) ? events : undefined;
  }, 30_000);
  assert.ok(alerts.length >= 1);

  const rows = await eventually('four priced rows', () => {
    const found = readRows<{ agent_id: string; cost_total: number; currency: string }>(dbPath, 'SELECT agent_id, cost_total, currency FROM llm_usage_events ORDER BY agent_id');
    return found.length === 4 ? found : undefined;
  }, 30_000);
  assert.deepEqual(rows.map((r) => [r.agent_id, Number(r.cost_total.toFixed(9)), r.currency]), [
    ['main', 0.3689505, 'USD'], ['main', 0.3689505, 'USD'], ['ops', 0.3689505, 'USD'], ['ops', 0.3689505, 'USD'],
  ]);
  assert.deepEqual(await host.unhandled(), []);
});
