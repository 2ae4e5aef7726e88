// End to end: a $0.01 budget in block mode for agent main, through a running gateway (all four plugins, real
// Temporal, the worker process) with the scripted model at a configured price ($5 / $10 per million tokens, so
// each run of 1000 input and 100 output tokens costs $0.006). After two runs the budget is crossed and the next
// run is refused by before_agent_run with a reason naming the budget (OpenClaw logs it and stores it in the session;
// its HTTP endpoint answers 500), without reaching the model; the refusal
// survives a gateway restart and a worker restart; in the next period (a short test period of `periodSeconds`,
// rolled by the workflow's timer) the agent runs again. Every row in the ledger carries its cost.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { budgetStateQuery } from '../../workflows/budget/contract.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { budgetCachePathOf } from '../../plugin-bridge/usage-ledger/budget-keeper.ts';
import { eventually } from '../helpers/temporal.ts';
import { readRows } from '../helpers/sqlite.ts';
import { startWorkerProcess, waitUntilPolling } from '../helpers/processes.ts';
import { gatewayLogViolations, logLines } from './auditor.ts';
import { startStack, type E2EStack } from './harness.ts';

/**
 * Long enough for a gateway restart and a worker restart under load (about 4 min on two busy cores); the test checks
 * that it did not run out early, and it ends one period later.
 */
const PERIOD_SECONDS = 480;
const BUDGET_ID = `main/${PERIOD_SECONDS}s`;
let stack: E2EStack;

before(async () => {
  stack = await startStack('e2e-budget', (_request, seq) => ({ kind: 'text', text: `answer ${seq}`, usage: { input: 1000, output: 100 } }), {
    pluginConfig: {
      'usage-ledger': {
        prices: { 'scripted/scripted-1': { input: 5, output: 10 } },
        budgets: { enabled: true, refreshIntervalMs: 500, limits: [{ agent: 'main', usd: 0.01, periodSeconds: PERIOD_SECONDS, mode: 'block' }] },
      },
    },
    readyTimeoutMs: 480_000,
  });
});

after(async () => {
  await stack?.stop();
});

/** The run's answer, or the refusal the gateway gave instead (an error or the block message as the reply). */
async function attempt(message: string): Promise<string> {
  return stack.chat('agent:main:main', message).catch((err: unknown) => `ERROR ${err instanceof Error ? err.message : String(err)}`);
}

/** The budget state the gateway has cached (and keeps on disk). */
function cachedSpend(): number {
  const path = budgetCachePathOf(stack.sandbox.stateDir);
  if (!existsSync(path)) return 0;
  const file = JSON.parse(readFileSync(path, 'utf8')) as { budgets: Record<string, { snapshot: { spentUsd: number } }> };
  return file.budgets[BUDGET_ID]?.snapshot.spentUsd ?? 0;
}

async function budgetState() {
  return stack.server.client.workflow.getHandle(`usage-budget/${BUDGET_ID}`).query(budgetStateQuery);
}

/**
 * OpenClaw's refusal as the gateway logs it (and stores it in the session as the redacted user message); its
 * OpenAI-compatible endpoint answers a refused run with HTTP 500 "internal error", without the reason.
 */
const REFUSAL = new RegExp(`could not be sent: usage budget main/${PERIOD_SECONDS}s reached: agent main: \\$0\\.0120 of \\$0\\.0100 this ${PERIOD_SECONDS} s period, resets \\d\\d:\\d\\d:\\d\\d UTC \\(blocked by usage-ledger\\)`, 'g');
const refusals = () => (stack.gatewayLogs().match(REFUSAL) ?? []).length;

async function assertRefused(when: string, periodEnd: number): Promise<void> {
  const calls = stack.model.calls.length;
  const before = refusals();
  const reply = await attempt(`try ${when}`);
  assert.doesNotMatch(reply, /answer/, `${when}: the run was not refused`);
  await eventually(`${when}: the refusal with its reason in the gateway log`, () => (refusals() > before ? true : undefined), 30_000)
    .catch((err: unknown) => assert.fail(`${String(err)}\n${reply}\n${logLines(stack.gatewayLogs(), /budget|before_agent_run/)}`));
  assert.ok(Date.now() < periodEnd, `the ${PERIOD_SECONDS} s period ended before the check ${when}: the machine is too slow for this period`);
  assert.equal(stack.model.calls.length, calls, `${when}: the refused run never reached the model`);
}

test('a $0.01 daily-style budget in block mode refuses new runs once crossed, across gateway and worker restarts, until the next period', { timeout: 2_400_000 }, async () => {
  assert.match(await attempt('first'), /answer/);
  assert.match(await attempt('second'), /answer/);
  await eventually('the gateway caches the crossed budget', () => (cachedSpend() >= 0.01 ? true : undefined), 60_000);
  const { periodEnd, spentUsd } = await budgetState();
  assert.equal(Number(spentUsd.toFixed(6)), 0.012, 'two runs at $0.006');
  await assertRefused('after crossing', periodEnd);

  await stack.restartGateway();
  await assertRefused('after a gateway restart', periodEnd);

  await stack.worker.kill();
  await assertRefused('while the worker is down (last known state)', periodEnd);
  const worker = startWorkerProcess({ address: stack.server.address, dataDir: join(stack.sandbox.root, 'worker-data'), logFile: join(stack.sandbox.root, 'worker-2.log') });
  stack.worker = worker;
  await waitUntilPolling(stack.server.client, worker, { workflow: WORKFLOW_TASK_QUEUE, activity: LEDGER_TASK_QUEUE });
  await assertRefused('after a worker restart', periodEnd);

  // The workflow's timer rolls the period; the gateway's next refresh (or the ended period itself) lets runs through.
  await new Promise((r) => setTimeout(r, Math.max(0, periodEnd - Date.now())));
  const again = await eventually('a run in the next period', async () => {
    const reply = await attempt('next period');
    return /answer/.test(reply) ? reply : undefined;
  }, 60_000);
  assert.match(again, /answer/);
  assert.equal((await budgetState()).periodStart >= periodEnd, true, 'the workflow rolled to the next period');

  const dbPath = join(stack.sandbox.stateDir, 'usage-ledger', 'usage-ledger.db');
  const rowsNow = () => readRows<{ cost_total: number | null; agent_id: string | null }>(dbPath, 'SELECT cost_total, agent_id FROM llm_usage_events');
  // The run in the next period reaches the ledger through the sender loop and the worker: wait for its row.
  const rows = await eventually('a ledger row for each of the three runs', () => (rowsNow().length >= 3 ? rowsNow() : undefined), 60_000).catch(() => rowsNow());
  assert.ok(rows.length >= 3 && rows.every((r) => r.agent_id === 'main' && r.cost_total !== null && Math.abs(r.cost_total - 0.006) < 1e-12), JSON.stringify(rows));
  assert.deepEqual(gatewayLogViolations(stack.gatewayLogs()), []);
});
