/**
 * Worker spawns of sessions in no thread against a real dev server and worker (issue 11, item 3), through the
 * bridge's own hook handlers: what each costs in Temporal calls (every call goes through TemporalBridge.call, which
 * this test counts), and that the record routes the spawn and its end to the task workflow of the original's key.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ThreadDirectory } from '../../plugin-bridge/orchestrator/directory.ts';
import { createObservers } from '../../plugin-bridge/orchestrator/observer-hooks.ts';
import { LocalSpawns } from '../../plugin-bridge/orchestrator/local-spawns.ts';
import { createBeforePromptBuild } from '../../plugin-bridge/orchestrator/prompt-hook.ts';
import { ThreadClient } from '../../plugin-bridge/orchestrator/thread-client.ts';
import type { OrchestratorHookDeps } from '../../plugin-bridge/orchestrator/hook-deps.ts';
import { createBeforeToolCall } from '../../plugin-bridge/orchestrator/tool-hook.ts';
import { UnthreadedSpawns } from '../../plugin-bridge/orchestrator/unthreaded.ts';
import { RecentUserMessages } from '../../plugin-bridge/orchestrator/user-messages.ts';
import { createBridgeLogger } from '../../plugin-bridge/shared/bridge-logger.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { retryTaskKey } from '../../workflows/orchestrator/lifecycle.ts';
import { subagentTaskWorkflowId, taskStateQuery } from '../../workflows/subagent/contract.ts';
import { requesterEndedSignal, requesterSpawnedSignal, requesterStateQuery, subagentRequesterWorkflowId, type SubagentRequesterArgs } from '../../workflows/subagent/requester-contract.ts';
import { retryConfigOf } from '../../workflows/orchestrator/task-routing.ts';
import type { TaskState } from '../../workflows/subagent/state.ts';
import { eventually, startTestServer, startWorkers, type RunningWorkers } from '../helpers/temporal.ts';

/** The real bridge, counting the calls it is asked to make. */
class CountingBridge extends TemporalBridge {
  calls = 0;
  override call<T>(operation: string, deadline: number, fn: (client: Client) => Promise<T>): Promise<T> {
    this.calls += 1;
    return super.call(operation, deadline, fn);
  }
}

let env: TestWorkflowEnvironment;
let workers: RunningWorkers;
let bridge: CountingBridge;
let hooks: ReturnType<typeof setup>;

function setup() {
  const directory = new ThreadDirectory();
  directory.observe({ kind: 'load', status: 'ready' }); // the cache was rebuilt: no thread runs
  const deps: OrchestratorHookDeps = {
    config: parseOrchestratorConfig({ decisionTimeoutMs: 5000, autoRetryFailedSubagents: false }),
    directory,
    threads: new ThreadClient(bridge, new KeyedChain(), 'openclaw-temporal'),
    messages: new RecentUserMessages(),
    localSpawns: new LocalSpawns(),
    unthreaded: new UnthreadedSpawns(bridge, new KeyedChain(), 'openclaw-temporal'),
    log: createBridgeLogger({ info: () => undefined, warn: (m: string) => process.stderr.write(`${m}\n`), error: (m: string) => process.stderr.write(`${m}\n`) }, { plugin: 'orchestrator' }, false),
  };
  return { tool: createBeforeToolCall(deps), prompt: createBeforePromptBuild(deps), observers: createObservers(deps) };
}

before(async () => {
  env = await startTestServer();
  workers = await startWorkers(env);
  bridge = new CountingBridge({ address: env.address });
  bridge.start();
  hooks = setup();
});

after(async () => {
  await bridge?.stop();
  await workers?.stop();
  await env?.teardown();
});

test('a session in no thread that never spawns costs zero Temporal calls', async () => {
  const session = 'agent:main:subagent:quiet';
  await hooks.prompt({ prompt: 'hi', messages: [{ role: 'user', content: 'read the logs' }] }, { sessionKey: session });
  for (const [i, toolName] of ['exec', 'read', 'sessions_send', 'session_status', 'sessions_list'].entries()) {
    await hooks.tool({ toolName, params: {}, runId: 'r', toolCallId: `q${i}` }, { sessionKey: session });
    await hooks.observers.afterToolCall({ toolName, params: {}, runId: 'r', toolCallId: `q${i}`, result: {} }, { sessionKey: session });
  }
  await hooks.observers.sessionEnd({ sessionId: 's', sessionKey: session, reason: 'deleted' }, { sessionId: 's', sessionKey: session });
  assert.equal(bridge.calls, 0);
});

test('one worker spawn costs one call (a signal-with-start of the requester’s record), its end one more', async () => {
  const requester = 'agent:main:subagent:busy';
  const child = 'agent:main:subagent:busy-w1';
  const spec = { task: 'Build the index', label: 'indexer' };
  const before = bridge.calls;
  const decided = await hooks.tool({ toolName: 'sessions_spawn', params: spec, runId: 'r', toolCallId: 's1' }, { sessionKey: requester });
  assert.equal(decided, undefined);
  await hooks.observers.subagentSpawned({ childSessionKey: child, runId: `${child}-run` }, { requesterSessionKey: requester, childSessionKey: child });
  const details = { status: 'accepted', childSessionKey: child };
  await hooks.observers.afterToolCall({ toolName: 'sessions_spawn', params: spec, runId: 'r', toolCallId: 's1', result: { details } }, { sessionKey: requester });
  assert.equal(bridge.calls - before, 1, 'one call per spawn');
  await hooks.observers.subagentEnded({ targetSessionKey: child, targetKind: 'subagent', outcome: 'ok', runId: `${child}-run` }, { requesterSessionKey: requester });
  assert.equal(bridge.calls - before, 2, 'one call per end');
  const taskKey = retryTaskKey(requester, spec);
  const task = env.client.workflow.getHandle(subagentTaskWorkflowId(taskKey));
  await eventually('the task saw the spawn and the end', async () => (((await task.query(taskStateQuery)) as TaskState).status === 'succeeded' ? true : undefined));
  const record = await env.client.workflow.getHandle(subagentRequesterWorkflowId(requester)).query(requesterStateQuery);
  assert.deepEqual([record.spawns, record.endings, record.tasks], [1, 1, [taskKey]]);
  await hooks.observers.sessionEnd({ sessionId: 's', sessionKey: requester, reason: 'deleted' }, { sessionId: 's', sessionKey: requester });
  assert.equal(bridge.calls - before, 3, 'the requester’s end: one call');
  await env.client.workflow.getHandle(subagentRequesterWorkflowId(requester)).result();
  assert.equal(((await task.result()) as TaskState).status, 'ended');
});

test('the record continues as new with its children: an end after it still reaches the task', async () => {
  const requester = 'agent:main:subagent:many';
  const config = retryConfigOf(parseOrchestratorConfig({}));
  const spec = (i: number) => ({ task: `task ${i}` });
  const handle = await env.client.workflow.signalWithStart('subagentRequesterWorkflow', {
    workflowId: subagentRequesterWorkflowId(requester),
    taskQueue: 'openclaw-temporal',
    args: [{ requester, maxHistoryEvents: 40 } satisfies SubagentRequesterArgs],
    signal: requesterSpawnedSignal,
    signalArgs: [{ eventId: 'spawned:c0', childKey: 'c0', spec: spec(0), config }],
  });
  const firstRun = handle.signaledRunId;
  for (let i = 1; i < 8; i += 1) {
    await handle.signal(requesterSpawnedSignal, { eventId: `spawned:c${i}`, childKey: `c${i}`, spec: spec(i), config });
  }
  await eventually('continued as new', async () => ((await handle.describe()).runId !== firstRun ? true : undefined), 30_000);
  await handle.signal(requesterEndedSignal, { eventId: 'ended:c0', childKey: 'c0', outcome: 'ok', config });
  const task = env.client.workflow.getHandle(subagentTaskWorkflowId(retryTaskKey(requester, spec(0))));
  await eventually('the first child’s task saw its end', async () => (((await task.query(taskStateQuery)) as TaskState).status === 'succeeded' ? true : undefined));
  const record = await handle.query(requesterStateQuery);
  assert.deepEqual([record.spawns, record.endings, record.tasks.length], [8, 1, 8]);
});
