/**
 * The orchestrator thread workflow on a real Temporal dev server with the real worker, driven through the
 * bridge's own ThreadClient: binding, rewrites, the blocked-then-fallback path, worker lifecycle, how a thread
 * ends, continue-as-new, and the cache rebuild from the visibility store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ORCHESTRATOR_WORKFLOW_TYPE, orchestratorSessionEndSignal, orchestratorThreadWorkflowId, type ThreadResult } from '../../workflows/orchestrator/contract.ts';
import { OPENCLAW_FRONT_SESSION, OPENCLAW_ORCHESTRATOR_SESSION, OPENCLAW_PLUGIN } from '../../workflows/shared/search-attributes.ts';
import { ThreadDirectory } from '../../plugin-bridge/orchestrator/directory.ts';
import { DirectoryLoader, rebuildDirectory } from '../../plugin-bridge/orchestrator/directory-loader.ts';
import { createBridgeLogger } from '../../plugin-bridge/shared/bridge-logger.ts';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { ThreadClient } from '../../plugin-bridge/orchestrator/thread-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { eventually, startWorkers, type RunningWorkers } from '../helpers/temporal.ts';
import { withBridgeStack } from '../helpers/bridge-stack.ts';
import { ThreadDriver } from '../helpers/orchestrator.ts';

let threads: ThreadClient;
const stack = withBridgeStack('orchestrator-wf', ({ bridge }) => {
  threads = new ThreadClient(bridge, new KeyedChain(), 'openclaw-temporal');
});
let n = 0;
const newThread = () => {
  const id = ++n;
  return { front: `agent:main:wf${id}`, orch: `agent:main:subagent:orch-${id}`, worker: (w: string) => `agent:main:subagent:w${id}-${w}` };
};
const LATE_QUEUE = 'orchestrator-late-threads';
const handle = (front: string) => stack.env.client.workflow.getHandle(orchestratorThreadWorkflowId(front));


describe('orchestrator thread workflow (real dev server)', () => {
  test('a front-controller’s first spawn starts its thread as the hidden orchestrator; the accepted result binds it', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    const outcome = await driver.tool(t.front, 'sessions_spawn', { task: 'plan the trip' }, { start: true });
    assert.equal(outcome.kind, 'front');
    assert.equal(outcome.spawnKind, 'orchestrator');
    assert.equal(outcome.decision.params?.thread, true);
    assert.match(String(outcome.decision.params?.label), /^thread-orchestrator-[0-9a-f]{10}$/);
    assert.match(String(outcome.decision.params?.task), /hidden orchestrator[\s\S]*plan the trip/);
    await driver.spawnResult(t.front, outcome.toolCallId, t.orch);
    assert.equal((await driver.state()).orchestratorKey, t.orch);
    const described = await eventually('orchestrator search attribute', async () => {
      const d = await handle(t.front).describe();
      return d.typedSearchAttributes.get(OPENCLAW_ORCHESTRATOR_SESSION) === t.orch ? d : undefined;
    });
    assert.equal(described.typedSearchAttributes.get(OPENCLAW_FRONT_SESSION), t.front);
    assert.equal(described.typedSearchAttributes.get(OPENCLAW_PLUGIN), 'orchestrator');
    assert.equal(await described.staticSummary(), `orchestrator · ${t.front}`);
  });

  test('a second spawn by the front is blocked by the thread ("orchestrator already active"), whatever the cache thought', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    await driver.spawn(t.front, t.orch, { task: 'first' });
    const again = await driver.tool(t.front, 'sessions_spawn', { task: 'second' }, { start: true });
    assert.equal(again.decision.block, true);
    assert.match(String(again.decision.blockReason), new RegExp(`hidden orchestrator already active \\(${t.orch}\\)`));
    assert.equal(again.spawnKind, null);
  });

  test('the orchestrator is blocked twice on exec and allowed the third time, per run', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    await driver.spawn(t.front, t.orch);
    const attempts = [];
    for (let i = 0; i < 3; i += 1) attempts.push(await driver.tool(t.orch, 'exec', { command: 'ls -la' }, { runId: 'orch-run-1' }));
    assert.deepEqual(attempts.map((a) => a.decision.block === true), [true, true, false]);
    assert.equal(attempts[0]?.kind, 'orchestrator');
    assert.match(String(attempts[0]?.decision.blockReason), /sessions_spawn[\s\S]*exec[\s\S]*ls -la/);
    const nextRun = await driver.tool(t.orch, 'exec', { command: 'ls' }, { runId: 'orch-run-2' });
    assert.equal(nextRun.decision.block, true, 'a new run counts from 1 again');
    // The blocked hint became the orchestrator's delegated task: a spawn without a task falls back to it.
    const spawned = await driver.tool(t.orch, 'sessions_spawn', {}, { runId: 'orch-run-2' });
    assert.match(String(spawned.decision.params?.task), /Use the exec tool/);
  });

  test('rewrites: the orchestrator reports back to its front, the front polls its orchestrator', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    await driver.spawn(t.front, t.orch);
    const report = await driver.tool(t.orch, 'sessions_send', { message: 'half done' });
    assert.deepEqual(report.decision.params, { message: 'half done', sessionKey: t.front });
    const poll = await driver.tool(t.front, 'session_status', {});
    assert.deepEqual(poll.decision.params, { sessionKey: t.orch });
    assert.equal((await driver.state()).lastDelegatedTask, 'half done');
  });

  test('a read-only decision is the thread’s answer to a query: the update’s rule on its state, which it leaves unchanged', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    await driver.spawn(t.front, t.orch);
    const before = await driver.state();
    const config = parseOrchestratorConfig({ enforceMainDelegation: true });
    const poll = await threads.decide(t.front, { call: { sessionKey: t.front, toolName: 'session_status', params: {} }, config }, Date.now() + 5000);
    assert.deepEqual(poll, { kind: 'ok', stale: false, value: { decision: { params: { sessionKey: t.orch } }, kind: 'front', orchestratorKey: t.orch, spawnKind: null } });
    const exec = await threads.decide(t.front, { call: { sessionKey: t.front, toolName: 'exec', params: {} }, config }, Date.now() + 5000);
    assert.equal(exec.kind === 'ok' && exec.value.decision.block, true, 'rule 1 from the thread');
    assert.match(exec.kind === 'ok' ? String(exec.value.decision.blockReason) : '', new RegExp(t.orch));
    assert.deepEqual(await driver.state(), before, 'nothing recorded');
    const none = await threads.decide('agent:main:no-such-thread', { call: { sessionKey: 'agent:main:no-such-thread', toolName: 'exec', params: {} }, config }, Date.now() + 5000);
    assert.deepEqual(none, { kind: 'gone', stale: false });
  });

  test('worker lifecycle: registered running, touched by activity, its outcome recorded once', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    await driver.spawn(t.front, t.orch);
    const w1 = t.worker('a');
    const spawned = await driver.spawn(t.orch, w1, { task: 'book the flight', label: 'Flights' });
    assert.equal(spawned.spawnKind, 'worker');
    const registered = (await driver.state()).workers[w1];
    assert.equal(registered?.status, 'running');
    assert.equal(registered?.label, 'Flights');
    await driver.activity(t.orch, w1);
    const touched = (await driver.state()).workers[w1];
    assert.ok((touched?.updatedAt ?? 0) >= (registered?.updatedAt ?? Infinity));
    await driver.ended(w1, 'ERROR');
    await driver.ended(w1, 'ok', `ended-${w1}-ERROR`); // same event id: a redelivery, dropped
    assert.equal((await driver.state()).workers[w1]?.status, 'error');
    const details = await eventually('current details with the worker counts', async () => {
      const metadata = await handle(t.front).query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      return metadata.currentDetails?.includes('error') ? metadata.currentDetails : undefined;
    });
    assert.equal(details, `orchestrator ${t.orch} — 1 worker: 1 error`);
  });

  test('the thread ends with a final summary when its orchestrator ends; a later spawn starts a new run', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    await driver.spawn(t.front, t.orch);
    await driver.spawn(t.orch, t.worker('a'), { task: 'a' });
    await driver.spawn(t.orch, t.worker('b'), { task: 'b' });
    await driver.ended(t.worker('a'), 'ok');
    await driver.ended(t.orch, 'ok');
    const result = (await handle(t.front).result()) as ThreadResult;
    assert.equal(result.endedBy, 'orchestrator-ended');
    assert.equal(result.orchestratorKey, t.orch);
    assert.equal(result.workers, 2);
    assert.deepEqual(result.byStatus, { ok: 1, running: 1 });
    assert.match(result.summary, /2 workers: 1 ok, 1 running/);
    assert.equal((await driver.ended(t.worker('b'), 'error')).kind, 'gone', 'a signal to an ended thread answers gone');
    const next = await driver.tool(t.front, 'sessions_spawn', { task: 'again' }, { start: true });
    assert.equal(next.spawnKind, 'orchestrator', 'a new orchestrator may be spawned');
  });

  test('the front’s session_end ends the thread; an update to it then answers gone', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    await driver.spawn(t.front, t.orch);
    assert.equal((await driver.sessionEnd(t.front)).kind, 'ok');
    const result = (await handle(t.front).result()) as ThreadResult;
    assert.equal(result.endedBy, 'front-session-ended');
    const late = await threads.toolCall(t.front, { call: { sessionKey: t.orch, toolName: 'exec', params: {} }, config: driver.config }, 'late-1', Date.now() + 5000, false);
    assert.equal(late.kind, 'gone');
  });

  test('a worker’s session_end forgets it; the thread goes on', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    await driver.spawn(t.front, t.orch);
    await driver.spawn(t.orch, t.worker('a'));
    await driver.sessionEnd(t.worker('a'));
    const state = await driver.state();
    assert.deepEqual(Object.keys(state.workers), []);
    assert.equal(state.orchestratorKey, t.orch);
  });

  test('the thread continues as new under a lowered bound and keeps binding, workers and counters', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    const started = await stack.env.client.workflow.start('orchestratorThreadWorkflow', {
      workflowId: orchestratorThreadWorkflowId(t.front),
      taskQueue: 'openclaw-temporal',
      args: [{ frontKey: t.front, config: driver.config, maxHistoryEvents: 30 }],
    });
    await driver.spawn(t.front, t.orch);
    await driver.spawn(t.orch, t.worker('a'), { task: 'keep me' });
    await driver.tool(t.orch, 'exec', {}, { runId: 'r-can' });
    for (let i = 0; i < 12; i += 1) await driver.tool(t.front, 'sessions_send', { message: `m${i}` });
    const second = await driver.tool(t.orch, 'exec', {}, { runId: 'r-can' });
    const latest = await handle(t.front).describe();
    assert.notEqual(latest.runId, started.firstExecutionRunId, 'the thread continued as new');
    assert.ok(latest.historyLength < 60, `history stays bounded (${latest.historyLength} events)`);
    assert.equal(second.decision.block, true);
    assert.match(String(second.decision.blockReason), /blocked attempt 2/);
    const state = await driver.state();
    assert.equal(state.orchestratorKey, t.orch);
    assert.equal(state.workers[t.worker('a')]?.taskPreview, 'keep me');
    assert.match(String(state.lastDelegatedTask), /^Use the exec tool/, 'the newest delegated task survived');
    assert.equal(latest.typedSearchAttributes.get(OPENCLAW_ORCHESTRATOR_SESSION), t.orch);
  });

  test('a malformed tool-call update is rejected by the validator and changes nothing', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    await driver.spawn(t.front, t.orch);
    await assert.rejects(
      handle(t.front).executeUpdate('orchestrator.tool-call', { args: [{ call: { sessionKey: t.orch, toolName: '', params: {} }, config: driver.config }] }),
      (err: Error) => {
        assert.match(String((err as { cause?: Error }).cause?.message), /toolName/);
        return true;
      },
    );
    assert.deepEqual((await driver.state()).blockedAttempts, {});
  });

  test('the bridge cache is rebuilt from Temporal: running threads are listed by search attribute and queried', async () => {
    const t = newThread();
    const driver = new ThreadDriver(threads, t.front);
    await driver.spawn(t.front, t.orch);
    await driver.spawn(t.orch, t.worker('a'));
    const directory = new ThreadDirectory();
    await eventually('thread listed', async () => {
      await rebuildDirectory(directory, threads, Date.now() + 5000);
      return directory.hasThread(t.front) ? true : undefined;
    });
    assert.deepEqual(directory.lookup(t.orch), { frontKey: t.front, role: 'orchestrator' });
    assert.deepEqual(directory.lookup(t.worker('a')), { frontKey: t.front, role: 'worker' });
    assert.equal(directory.kindOf(t.orch), 'orchestrator');
  });

  test('one thread that cannot answer does not stop the rebuild: the others are loaded, it is reported and loaded later', async () => {
    const good = newThread();
    await new ThreadDriver(threads, good.front).spawn(good.front, good.orch);
    // A running thread whose task queue has no worker yet: its query cannot be answered.
    const late = newThread();
    await stack.env.client.workflow.start(ORCHESTRATOR_WORKFLOW_TYPE, {
      workflowId: orchestratorThreadWorkflowId(late.front),
      taskQueue: LATE_QUEUE,
      args: [{ frontKey: late.front, config: parseOrchestratorConfig({}) }],
      typedSearchAttributes: [{ key: OPENCLAW_PLUGIN, value: 'orchestrator' }, { key: OPENCLAW_FRONT_SESSION, value: late.front }],
    });
    const fronts = [good.front, late.front];
    await eventually('both threads listed', async () => ((await threads.listOpenThreads(Date.now() + 5000)).filter((f) => fronts.includes(f)).length === 2 ? true : undefined));

    const warnings: string[] = [];
    const log = createBridgeLogger({ info: () => undefined, warn: (line) => void warnings.push(line), error: (line) => void warnings.push(line) }, {}, false);
    const directory = new ThreadDirectory();
    const loader = new DirectoryLoader(directory, threads, log, { rebuildTimeoutMs: 1500, retryMs: { first: 200, max: 400 } });
    let lateWorkers: RunningWorkers | undefined;
    try {
      loader.start();
      await loader.firstAttempt;
      assert.deepEqual(directory.lookup(good.orch), { frontKey: good.front, role: 'orchestrator' }, 'the answering thread is in the cache');
      assert.equal(directory.hasThread(late.front), false);
      assert.equal(directory.status, 'unloaded', 'not ready while a listed thread is missing');
      assert.ok(warnings.some((w) => w.includes('could not be loaded') && w.includes(late.front)), warnings.join('\n'));

      lateWorkers = await startWorkers(stack.env, LATE_QUEUE);
      await eventually('the missing thread loaded by a later round', () => (directory.status === 'ready' ? true : undefined), 30_000);
      assert.equal(directory.hasThread(late.front), true);
      assert.deepEqual(directory.lookup(good.orch), { frontKey: good.front, role: 'orchestrator' });
    } finally {
      loader.stop();
      await lateWorkers?.stop();
      await handle(late.front).terminate('test done').catch((err: unknown) => process.stderr.write(`terminate: ${String(err)}\n`));
    }
  });

  test('a query that cannot be answered (no worker) holds up no signal to its thread, and its late answer is marked stale', async () => {
    const t = newThread();
    const quiet = `${LATE_QUEUE}-quiet`;
    await stack.env.client.workflow.start(ORCHESTRATOR_WORKFLOW_TYPE, {
      workflowId: orchestratorThreadWorkflowId(t.front),
      taskQueue: quiet,
      args: [{ frontKey: t.front, config: parseOrchestratorConfig({}) }],
    });
    let quietWorkers = await startWorkers(stack.env, quiet);
    let restarted: RunningWorkers | undefined;
    try {
      assert.equal((await threads.thread(t.front, Date.now() + 10_000)).kind, 'ok');
      await quietWorkers.stop();
      const querying = threads.thread(t.front, Date.now() + 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the query is with the server, waiting for a worker
      const signalled = await threads.signal(t.front, orchestratorSessionEndSignal, { eventId: 'stranger-end', sessionKey: 'agent:main:stranger' }, Date.now() + 3000);
      assert.equal(signalled.kind, 'ok', 'the signal was not queued behind the hanging query');
      restarted = await startWorkers(stack.env, quiet);
      const answer = await querying;
      assert.equal(answer.kind, 'ok');
      assert.equal(answer.stale, true, 'a write started while the query was answered');
    } finally {
      await restarted?.stop();
      quietWorkers = restarted ?? quietWorkers;
      await handle(t.front).terminate('test done').catch((err: unknown) => process.stderr.write(`terminate: ${String(err)}\n`));
    }
  });
});

