/**
 * Orchestrator thread scenarios played against a real dev server and worker through the bridge's
 * ThreadClient; `npx tsx scripts/record-histories.ts <names>` saves their histories under test/histories/,
 * and the replay test replays every one of them against the current workflow code.
 */
import { orchestratorThreadWorkflowId } from '../../workflows/orchestrator/contract.ts';
import { ThreadClient } from '../../plugin-bridge/orchestrator/thread-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { ThreadDriver, policy } from '../helpers/orchestrator.ts';
import type { RecordedRun, Scenario, ScenarioContext } from './types.ts';

/** What an orchestrator scenario plays with: the client, and the bridge's own ThreadClient. */
interface OrchestratorScenarioContext {
  readonly client: ScenarioContext['client'];
  readonly threads: ThreadClient;
}

/** Runs `play` with a ThreadClient on its own bridge to the recording server, closed afterwards. */
function scenario(name: string, play: (ctx: OrchestratorScenarioContext) => Promise<RecordedRun>): Scenario {
  return {
    name,
    async run(ctx) {
      const bridge = new TemporalBridge({ address: ctx.address, namespace: 'default' });
      bridge.start();
      try {
        return await play({ client: ctx.client, threads: new ThreadClient(bridge, new KeyedChain(), 'openclaw-temporal') });
      } finally {
        await bridge.stop();
      }
    },
  };
}

const keys = (name: string) => ({
  front: `agent:main:${name}`,
  orch: `agent:main:subagent:${name}-orch`,
  worker: (n: number) => `agent:main:subagent:${name}-w${n}`,
});

/** Plays a bound thread: the front's spawn is accepted as the orchestrator. */
async function boundThread(ctx: OrchestratorScenarioContext, name: string) {
  const k = keys(name);
  const driver = new ThreadDriver(ctx.threads, k.front);
  await driver.spawn(k.front, k.orch, { task: `${name}: the user's request` });
  return { k, driver, workflowId: orchestratorThreadWorkflowId(k.front) };
}

export const orchestratorScenarios: readonly Scenario[] = [
  scenario('orchestrator-bind', async (ctx) => {
    const { k, driver, workflowId } = await boundThread(ctx, 'bind');
    await driver.tool(k.front, 'sessions_spawn', { task: 'a second orchestrator' }, { start: true }); // already active
    return { workflowId };
  }),
  scenario('orchestrator-worker-lifecycle', async (ctx) => {
    const { k, driver, workflowId } = await boundThread(ctx, 'workers');
    await driver.spawn(k.orch, k.worker(1), { task: 'book the flight', label: 'Flights' });
    await driver.spawn(k.orch, k.worker(2), { task: 'find a hotel' });
    await driver.spawn(k.orch, k.worker(3), { task: 'refused' }, false);
    await driver.activity(k.orch, k.worker(1));
    await driver.ended(k.worker(1), 'ok');
    await driver.ended(k.worker(2), 'error');
    await driver.ended(k.worker(2), 'error'); // redelivered: dropped
    return { workflowId };
  }),
  scenario('orchestrator-blocked-then-fallback', async (ctx) => {
    const { k, driver, workflowId } = await boundThread(ctx, 'blocked');
    for (let i = 0; i < 3; i += 1) await driver.tool(k.orch, 'exec', { command: 'ls' }, { runId: 'orch-run' });
    await driver.tool(k.orch, 'sessions_spawn', {}, { runId: 'orch-run' }); // task falls back to the hint
    return { workflowId };
  }),
  scenario('orchestrator-rewrites', async (ctx) => {
    const { k, driver, workflowId } = await boundThread(ctx, 'rewrites');
    await driver.tool(k.front, 'sessions_send', { message: 'also check the weather' });
    await driver.tool(k.orch, 'sessions_send', { message: 'half done' });
    await driver.tool(k.front, 'session_status', {});
    await driver.tool(k.front, 'sessions_history', {});
    return { workflowId };
  }),
  scenario('orchestrator-ended', async (ctx) => {
    const { k, driver, workflowId } = await boundThread(ctx, 'ended');
    await driver.spawn(k.orch, k.worker(1), { task: 'one' });
    await driver.ended(k.orch, 'ok');
    await ctx.client.workflow.getHandle(workflowId).result();
    return { workflowId };
  }),
  scenario('orchestrator-session-end', async (ctx) => {
    const { k, driver, workflowId } = await boundThread(ctx, 'session-end');
    await driver.spawn(k.orch, k.worker(1), { task: 'one' });
    await driver.sessionEnd(k.worker(1));
    await driver.sessionEnd(k.front);
    await ctx.client.workflow.getHandle(workflowId).result();
    return { workflowId };
  }),
  scenario('orchestrator-retry-routing', async (ctx) => {
    // Worker spawns start their subagent-task workflows; endings reach them; the thread's end ends them.
    const { k, driver, workflowId } = await boundThread(ctx, 'routing');
    await driver.spawn(k.orch, k.worker(1), { task: 'flaky job', label: 'flaky' });
    await driver.spawn(k.orch, k.worker(2), { task: 'solid job' });
    await driver.ended(k.worker(1), 'error');
    await driver.ended(k.worker(2), 'ok');
    await driver.spawn(k.orch, k.worker(3), { task: 'flaky job', label: 'flaky' });
    await driver.ended(k.orch, 'ok');
    await ctx.client.workflow.getHandle(workflowId).result();
    return { workflowId };
  }),
  scenario('orchestrator-trimmed-spawn-fields', async (ctx) => {
    // Spawn fields are trimmed as the original trims them (patch orchestrator-trimmed-spawn-fields): the padded
    // label and agentId give the task key of the unpadded ones; a padded target still counts as the orchestrator.
    const { k, driver, workflowId } = await boundThread(ctx, 'trimmed');
    await driver.spawn(k.orch, k.worker(1), { task: '  flaky job  ', label: '  flaky  ', agentId: ' main ', model: ' gpt ' });
    await driver.ended(k.worker(1), 'error');
    await driver.spawn(k.orch, k.worker(2), { task: 'flaky job', label: 'flaky', agentId: 'main' });
    await driver.tool(k.front, 'sessions_send', { sessionKey: ` ${k.orch} `, message: 'also this' });
    await driver.ended(k.orch, 'ok');
    await ctx.client.workflow.getHandle(workflowId).result();
    return { workflowId };
  }),
  scenario('orchestrator-continue-as-new', async (ctx) => {
    const k = keys('can');
    const workflowId = orchestratorThreadWorkflowId(k.front);
    const handle = await ctx.client.workflow.start('orchestratorThreadWorkflow', {
      workflowId,
      taskQueue: 'openclaw-temporal',
      args: [{ frontKey: k.front, config: policy, maxHistoryEvents: 30 }],
    });
    const driver = new ThreadDriver(ctx.threads, k.front);
    await driver.spawn(k.front, k.orch);
    await driver.spawn(k.orch, k.worker(1), { task: 'carried over' });
    for (let i = 0; i < 10; i += 1) await driver.tool(k.front, 'sessions_send', { message: `update ${i}` });
    return { workflowId, runId: handle.firstExecutionRunId };
  }),
];
