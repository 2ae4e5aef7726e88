/**
 * Orchestrator tool-decision latency, the four paths of issue "orchestrator threads" item 9: the plugin's real
 * `before_tool_call` handler for a session no thread knows (decided locally), for a bound front's poll (a query
 * of its thread) and for the orchestrator's report (an update), and the pure `decideToolCall` as the baseline.
 */
import { createBridgeLogger } from '../../plugin-bridge/shared/bridge-logger.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { parseBridgeConfig } from '../../plugin-bridge/orchestrator/config.ts';
import { ThreadDirectory } from '../../plugin-bridge/orchestrator/directory.ts';
import { rebuildDirectory } from '../../plugin-bridge/orchestrator/directory-loader.ts';
import { ThreadClient } from '../../plugin-bridge/orchestrator/thread-client.ts';
import { createBeforeToolCall } from '../../plugin-bridge/orchestrator/tool-hook.ts';
import { RecentUserMessages } from '../../plugin-bridge/orchestrator/user-messages.ts';
import { LocalSpawns } from '../../plugin-bridge/orchestrator/local-spawns.ts';
import { UnthreadedSpawns } from '../../plugin-bridge/orchestrator/unthreaded.ts';
import { decideToolCall } from '../../workflows/orchestrator/tool-policy.ts';
import { ThreadDriver } from '../../test/helpers/orchestrator.ts';
import { timeAsync, timeSync, type Timed } from './timing.ts';

const STRANGER = 'agent:main:subagent:not-in-any-thread';

export interface OrchestratorBenchPlan {
  readonly localIterations: number;
  readonly boundDecisions: number;
}

export interface OrchestratorBenchResult {
  readonly pure: Timed;
  readonly unbound: Timed;
  readonly boundQuery: Timed;
  readonly boundUpdate: Timed;
}

const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => void process.stderr.write(`[orchestrator error] ${m}\n`) };
const label = (result: { block?: boolean; params?: Record<string, unknown> } | undefined): string =>
  result?.block ? 'block' : result?.params ? 'rewrite' : 'allow';

/**
 * Binds one thread on the server at `address`, then times the four paths. `round` names the thread's sessions, so a
 * run that measures again binds a fresh thread (tool call ids restart with each call).
 */
export async function benchOrchestrator(address: string, plan: OrchestratorBenchPlan, round = 0): Promise<OrchestratorBenchResult> {
  const suffix = round === 0 ? '' : `-${round}`;
  const front = `agent:main:bench${suffix}`;
  const orchestrator = `agent:main:subagent:bench-orch${suffix}`;
  const config = parseBridgeConfig({ temporalAddress: address, decisionTimeoutMs: 5000 });
  const bridge = new TemporalBridge(config.temporal);
  bridge.start();
  try {
    const threads = new ThreadClient(bridge, new KeyedChain(), config.taskQueue);
    const driver = new ThreadDriver(threads, front, config.policy);
    await driver.spawn(front, orchestrator, { task: 'benchmark thread' });
    const directory = new ThreadDirectory();
    await rebuildDirectory(directory, threads, Date.now() + 10_000);
    directory.observe({ kind: 'load', status: 'ready' });
    const log = createBridgeLogger(quiet, { plugin: 'orchestrator' }, false);
    const hook = createBeforeToolCall({ config: config.policy, directory, threads, messages: new RecentUserMessages(), localSpawns: new LocalSpawns(), unthreaded: new UnthreadedSpawns(bridge, new KeyedChain(), config.taskQueue), log });
    let n = 0;
    const call = (sessionKey: string, toolName: string, params: Record<string, unknown>) => {
      const toolCallId = `bench-${++n}`;
      return hook({ toolName, params, runId: `${sessionKey}-run`, toolCallId }, { toolName, sessionKey, runId: `${sessionKey}-run`, toolCallId });
    };
    const state = await driver.state();
    const pure = timeSync(plan.localIterations, (i) => {
      const { decision } = decideToolCall(state, { sessionKey: orchestrator, toolName: 'exec', params: { command: 'ls' }, runId: `r${i}`, toolCallId: `t${i}` }, config.policy, Date.now());
      return decision.block ? 'block' : 'allow';
    });
    const unbound = await timeAsync(plan.localIterations, 1, async () => label(await call(STRANGER, 'exec', { command: 'ls' })));
    const boundQuery = await timeAsync(plan.boundDecisions, 1, async () => label(await call(front, 'session_status', {})));
    const boundUpdate = await timeAsync(plan.boundDecisions, 1, async (i) => label(await call(orchestrator, 'sessions_send', { message: `progress ${i}` })));
    return { pure, unbound, boundQuery, boundUpdate };
  } finally {
    await bridge.stop();
  }
}
