// End to end: the start of the orchestrator flow with real agent turns through a running gateway. A user message to
// the front controller → the orchestrator prompt is injected → the model's `sessions_spawn` reaches OpenClaw
// rewritten into the hidden orchestrator's thread-bound spawn → the thread is visible in Temporal (visibility by
// search attribute, and its query) → it survives a graceful gateway restart (SIGTERM through OpenClaw's own
// shutdown path, whose session-end drain fires `session_end` with reason "shutdown").
// The restart assertion is meant to guard issue 9 defect 1 (a gateway restart must not end the thread), but it does
// not yet: with the bridge's session_end reason check reverted (every reason ends the thread) this test still
// passes — checked once by hand — because no orchestrator gets bound here (see below) and the shutdown drain ends
// nothing this harness can see. It bites once the harness binds one; defect 1 itself is covered through the real
// hook runner in test/openclaw/orchestrator.test.ts. The rest of the flow (the orchestrator's exec blocked twice then allowed, workers, a retry)
// needs a thread-capable conversation for the hidden orchestrator — not yet in this harness (see the responder,
// which already scripts the orchestrator's side).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { afterToolResult, textOf, turnText, type ModelRequest, type ScriptedReply } from './fakes/model-server.ts';
import { gatewayLogViolations, logLines } from './auditor.ts';
import { startStack, type E2EStack } from './harness.ts';
import { eventually } from '../helpers/temporal.ts';
import { orchestratorThreadQuery, orchestratorThreadWorkflowId } from '../../workflows/orchestrator/contract.ts';

const FRONT = 'agent:main:main';
const TASK = 'TASK-ALPHA: compare the two release notes';
let stack: E2EStack;

/** Tool results the orchestrator saw so far in this request, oldest first. */
function toolResults(request: ModelRequest): string[] {
  return request.messages.filter((m) => m.role === 'tool').map((m) => textOf(m.content));
}

function respond(request: ModelRequest, seq: number): ScriptedReply {
  const usage = { input: 700 + seq, output: 7 + seq };
  const text = request.messages.map((m) => textOf(m.content)).join('\n');
  const isOrchestrator = text.includes('TASK-ALPHA') && !turnText(request).includes('q-delegate') && request.messages.every((m) => !textOf(m.content).includes('q-delegate'));
  if (isOrchestrator) {
    const execResults = toolResults(request).length;
    if (execResults < 3) return { kind: 'tools', calls: [{ name: 'exec', args: { command: `echo attempt-${execResults + 1}` } }], usage };
    return { kind: 'text', text: 'orchestrator finished', usage };
  }
  if (afterToolResult(request)) return { kind: 'text', text: 'Delegated to the orchestrator.', usage };
  if (turnText(request).includes('q-delegate')) return { kind: 'tools', calls: [{ name: 'sessions_spawn', args: { task: TASK, label: 'research' } }], usage };
  return { kind: 'text', text: `ok ${seq}`, usage };
}

before(async () => {
  stack = await startStack('e2e-orchestrator', respond);
});

after(async () => {
  await stack?.stop();
});

test('front → injected prompt → spawn rewritten into a thread-bound orchestrator spawn → the thread is in Temporal and survives a gateway restart', { timeout: 900_000 }, async () => {
  const answer = await stack.chat(FRONT, 'q-delegate: please get the release comparison done');
  assert.match(answer, /Delegated/, stack.modelTrace());
  const frontCall = stack.model.calls.find((c) => turnText(c.request).includes('q-delegate'));
  assert.ok(frontCall && turnText(frontCall.request).includes('[orchestrator mode is active]'), 'the orchestrator prompt is injected into the front turn');

  // The spawn's tool result: OpenClaw accepted the rewritten spawn, or refused it because the rewrite asks for a
  // thread-bound session (`thread: true`, as the original) and a turn from the HTTP surface has no conversation
  // to bind (OpenClaw 2026.9.6: "Could not resolve a webchat conversation for subagent thread spawn"). Either way
  // the model's plain spawn reached OpenClaw rewritten.
  const afterSpawn = stack.model.calls.find((c) => afterToolResult(c.request) && c.request.messages.some((m) => textOf(m.content).includes('q-delegate')));
  const spawnResult = afterSpawn ? toolResults(afterSpawn.request).join('\n') : '';
  assert.match(spawnResult, /"status": "accepted"|conversation for subagent thread spawn/, `${stack.modelTrace()}`);

  const workflowId = orchestratorThreadWorkflowId(FRONT);
  const listed: string[] = [];
  await eventually('the thread listed by visibility', async () => {
    listed.length = 0;
    for await (const wf of stack.server.client.workflow.list({ query: `OpenClawFrontSession = "${FRONT}"` })) listed.push(wf.workflowId);
    return listed.includes(workflowId) ? true : undefined;
  }, 30_000).catch((err: unknown) => {
    throw new Error(`${String(err)} (listed: ${listed.join(', ')})\n${logLines(stack.gatewayLogs(), /orchestrator/i)}`);
  });
  const handle = stack.server.client.workflow.getHandle(workflowId);
  const before = await handle.query(orchestratorThreadQuery);

  // Issue 9 defect 1: OpenClaw's shutdown drain fires session_end (reason "shutdown"); a gateway stopping must not
  // end the thread.
  assert.equal(await stack.restartGateway(), 'code 0');
  const described = await handle.describe();
  assert.equal(described.status.name, 'RUNNING', 'no thread lost across a graceful gateway restart (issue 9 defect 1)');
  const after = await handle.query(orchestratorThreadQuery);
  assert.equal(after.orchestratorKey, before.orchestratorKey, 'no binding lost across a graceful gateway restart');
  assert.deepEqual(gatewayLogViolations(stack.gatewayLogs()), []);
});
