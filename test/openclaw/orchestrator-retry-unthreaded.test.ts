/**
 * Issue 11, item 3: a worker spawned by a session that belongs to no orchestrator thread (a plain subagent session,
 * a non-front requester in the original's terms) is retried as the original did — through OpenClaw's real loader,
 * hook runner and session store, with the budget kept across gateway restarts (the requester's record
 * `subagent-requester/<key>` finds the task of a child this gateway process never saw spawned).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { retryTaskKey } from '../../workflows/orchestrator/lifecycle.ts';
import { subagentTaskWorkflowId, taskStateQuery } from '../../workflows/subagent/contract.ts';
import { requesterStateQuery, subagentRequesterWorkflowId } from '../../workflows/subagent/requester-contract.ts';
import type { TaskState } from '../../workflows/subagent/state.ts';
import { eventually } from '../helpers/temporal.ts';
import { value } from './orchestrator-driver.ts';
import { withOrchestratorGateway } from './orchestrator-gateway.ts';

/** A subagent session no thread knows: not a front (it has `:subagent:`), not an orchestrator, not a thread's worker. */
const LONE = 'agent:main:subagent:lone-requester';
const REPORT = { task: '  Summarise the quarterly report  ', label: 'report', agentId: 'main' };
const TASK_KEY = retryTaskKey(LONE, { task: 'Summarise the quarterly report', label: 'report', agentId: 'main' });

const { stack, gateway } = withOrchestratorGateway({ gatewayId: 'gw-lone' }, LONE);
/** A gateway restart: the process goes away with OpenClaw's in-memory event queue; the session store stays. */
async function restartGateway(): Promise<void> {
  await gateway.stop();
  await gateway.start();
}

const retryEvents = async () => (await stack.host.peekInjections(LONE)).filter((e) => e.text.includes('<orchestrator-retry>'));
const turn = async () => (await stack.host.takeTurn(LONE)).filter((e) => e.text.includes('<orchestrator-retry>'));
const taskState = () => stack.env.client.workflow.getHandle(subagentTaskWorkflowId(TASK_KEY)).query(taskStateQuery) as Promise<TaskState>;

describe('workers of a session in no thread are retried (OpenClaw’s real runtime)', () => {
  test('a failed worker gets exactly one retry, with the original’s task key and fields; a duplicate end changes nothing', async () => {
    const decided = await gateway.driver.spawn(LONE, 'agent:main:subagent:report-1', REPORT);
    assert.deepEqual([decided.block, decided.params], [undefined, undefined], 'the spawn is allowed unchanged (decided locally)');
    value(await gateway.driver.subagentEnded('agent:main:subagent:report-1', LONE, 'error'));
    const [event] = await eventually('the retry event', async () => ((await retryEvents()).length === 1 ? await retryEvents() : undefined));
    for (const part of ['agent:main:subagent:report-1', 'outcome: error', 'attempt: 1/2', 'sessions_spawn', 'task: Summarise the quarterly report', 'label: report', 'agentId: main']) {
      assert.ok(event?.text.includes(part), `the event names ${part}`);
    }
    assert.equal(event?.idempotencyKey, `orchestrator-retry:${TASK_KEY}:1`);
    value(await gateway.driver.subagentEnded('agent:main:subagent:report-1', LONE, 'error'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await retryEvents()).length, 1);
    assert.equal((await taskState()).retriesUsed, 1);
  });

  test('the budget survives gateway restarts: retry 2 after a restart, none beyond maxRetriesPerTask', async () => {
    assert.equal((await turn()).length, 1, 'the requester’s turn sees retry 1 once');
    await gateway.driver.spawn(LONE, 'agent:main:subagent:report-2', REPORT);
    await eventually('retry 1 picked up by the respawn', async () => ((await taskState()).pendingRetry === null ? true : undefined));
    await restartGateway();
    // This gateway process never saw report-2 spawned: the requester's record finds its task.
    value(await gateway.driver.subagentEnded('agent:main:subagent:report-2', LONE, 'timeout'));
    const [second] = await eventually('retry 2 after the restart', async () => ((await retryEvents()).length === 1 ? await retryEvents() : undefined));
    assert.match(second?.text ?? '', /attempt: 2\/2/);
    assert.equal((await turn()).length, 1);
    await gateway.driver.spawn(LONE, 'agent:main:subagent:report-3', REPORT);
    await eventually('retry 2 picked up', async () => ((await taskState()).pendingRetry === null ? true : undefined));
    await restartGateway();
    value(await gateway.driver.subagentEnded('agent:main:subagent:report-3', LONE, 'error'));
    await eventually('task exhausted', async () => ((await taskState()).status === 'exhausted' ? true : undefined));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await retryEvents()).length, 0, 'no third retry');
    const record = await stack.env.client.workflow.getHandle(subagentRequesterWorkflowId(LONE)).query(requesterStateQuery);
    assert.deepEqual([record.spawns, record.endings, record.tasks], [3, 3, [TASK_KEY]]);
  });

  test('the requester’s session ends: its record and tasks complete', async () => {
    value(await stack.host.run('runSessionEnd', { sessionId: 'lone-1', sessionKey: LONE, messageCount: 3, reason: 'deleted' }, { sessionId: 'lone-1', sessionKey: LONE, agentId: 'main' }));
    // This gateway process knows no spawn of LONE (it started after them): the record stays until it forgets itself.
    await gateway.driver.spawn(LONE, 'agent:main:subagent:report-4', { task: 'Another task', label: 'other' });
    value(await stack.host.run('runSessionEnd', { sessionId: 'lone-1', sessionKey: LONE, messageCount: 4, reason: 'deleted' }, { sessionId: 'lone-1', sessionKey: LONE, agentId: 'main' }));
    await stack.env.client.workflow.getHandle(subagentRequesterWorkflowId(LONE)).result();
    await stack.env.client.workflow.getHandle(subagentTaskWorkflowId(TASK_KEY)).result();
    assert.deepEqual(await stack.host.unhandled(), []);
  });
});
