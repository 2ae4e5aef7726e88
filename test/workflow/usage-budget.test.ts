/**
 * The usage budget workflow on a real Temporal dev server with the real worker, fed and read by the plugin's own
 * BudgetKeeper over TemporalBridge, as the gateway does: rows delivered twice count once, the keeper's cached
 * state blocks the agent with a reason naming the budget, the workflow is found by its agent search attribute,
 * and the timer rolls a short period on workflow time (the gateway's next refresh lets the agent run again).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { budgetStateQuery, budgetWorkflowId } from '../../workflows/budget/contract.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { type UsageRecord } from '../../workflows/usage/usage-record.ts';
import { BudgetBook } from '../../plugin-bridge/usage-ledger/budget-book.ts';
import { BudgetClient } from '../../plugin-bridge/usage-ledger/budget-client.ts';
import { parseBudgets } from '../../plugin-bridge/usage-ledger/budget-config.ts';
import { BudgetKeeper, budgetCachePathOf } from '../../plugin-bridge/usage-ledger/budget-keeper.ts';
import { eventually } from '../helpers/temporal.ts';
import { withBridgeStack } from '../helpers/bridge-stack.ts';

const stack = withBridgeStack('usage-budget-wf');
const warnings: string[] = [];
const log = { debug: () => undefined, info: () => undefined, warn: (_f: unknown, message: string) => warnings.push(message), error: (_f: unknown, message: string) => warnings.push(message) };


function row(eventId: string, costUsd: number): UsageRecord {
  const r = extractUsage({ runId: eventId, provider: 'scripted', model: 'scripted-1', usage: { input: 1000, output: 100 } }, 'llm_output', { eventId, now: Date.now() });
  assert.ok(r);
  return { ...r, costTotal: costUsd, currency: 'USD', sessionKey: 'agent:main:main' };
}

test('rows count once, the cached state blocks the agent, and the timer rolls a short period', { timeout: 120_000 }, async () => {
  const config = parseBudgets({ enabled: true, refreshIntervalMs: 200, limits: [{ agent: 'main', usd: 0.01, periodSeconds: 8, mode: 'block' }] });
  const book = new BudgetBook(config.limits, config.failPolicy, config.staleAfterMs);
  const keeper = new BudgetKeeper(book, new BudgetClient(stack.bridge, 'openclaw-temporal'), config, log, () => false);
  await keeper.start(stack.dir);
  try {
    const budget = config.limits[0]!;
    const handle = stack.env.client.workflow.getHandle(budgetWorkflowId(budget.spec));
    assert.equal(budgetWorkflowId(budget.spec), 'usage-budget/main/8s');
    await keeper.delivered('main', [row('r1', 0.006)], Date.now() + 10_000);
    await keeper.delivered('main', [row('r1', 0.006), row('r2', 0.006)], Date.now() + 10_000); // r1 again: a resent batch
    await keeper.delivered('ops', [row('r3', 1)], Date.now() + 10_000); // another agent's rows do not count here
    const blocked = await eventually('the keeper caches the exhausted budget', () => {
      const verdict = book.decide('main', 'agent:main:main', Date.now());
      return verdict.block ? verdict : undefined;
    }, 15_000);
    assert.match(blocked.reason, /^usage budget main\/8s reached: agent main: \$0\.0120 of \$0\.0100 this 8 s period, resets \d\d:\d\d:\d\d UTC$/);
    const snapshot = await handle.query(budgetStateQuery);
    assert.deepEqual([Number(snapshot.spentUsd.toFixed(6)), snapshot.spentTokens], [0.012, 2200], 'r1 counted once, r3 not at all');
    const cached = JSON.parse(readFileSync(budgetCachePathOf(stack.dir), 'utf8')) as { budgets: Record<string, { snapshot: { spentUsd: number } }> };
    assert.equal(Number(cached.budgets['main/8s']?.snapshot.spentUsd.toFixed(6)), 0.012, 'the cache file holds the last known state');
    assert.ok(warnings.some((w) => w.startsWith('Usage budget reached: agent main')), warnings.join('\n'));
    assert.equal((await stack.env.client.workflow.count('OpenClawAgent = "main" AND WorkflowType = "usageBudgetWorkflow"')).count, 1, 'found by its agent');
    const details = (await handle.query(workflowMetadataQuery)).currentDetails ?? '';
    assert.match(details, /^agent main: \$0\.0120 of \$0\.0100 this 8 s period/);
    // `npm run usage -- --budget` (and the same lines in `npm run ops -- status`) against this server.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/usage-summary.ts', '--budget'], { env: { ...process.env, TEMPORAL_ADDRESS: stack.env.address } });
    assert.match(stdout, /Usage budgets \(1, 1 reached\)\n {2}REACHED {2}block {2}usage-budget\/main\/8s {2}agent main: \$0\.0120 of \$0\.0100 this 8 s period/, stdout);

    // The timer rolls the period at its end; the keeper's next refresh brings the fresh one.
    await eventually('the next period', async () => ((await handle.query(budgetStateQuery)).spentUsd === 0 ? true : undefined), 30_000);
    await eventually('the agent runs again', () => (book.decide('main', 'agent:main:main', Date.now()).block ? undefined : true), 10_000);
    await eventually('the details show the new period', async () => (/^agent main: \$0\.00 of/.test((await handle.query(workflowMetadataQuery)).currentDetails ?? '') ? true : undefined), 10_000);
  } finally {
    await keeper.stop();
  }
});
