// End to end: the whole orchestrator flow with real agent turns through a running gateway, driven from a chat on
// the fake Telegram Bot API (a conversation OpenClaw can bind a subagent thread to; the HTTP chat surface cannot:
// OpenClaw 2026.9.6 answers "Could not resolve a webchat conversation for subagent thread spawn" there).
// A user message to the front controller → the orchestrator prompt is injected → the model's `sessions_spawn` is
// rewritten into the hidden orchestrator's thread-bound spawn, accepted and bound (Telegram's default placement is
// "current": the chat itself is bound) → the orchestrator's `exec` is blocked twice and allowed the third time → it
// spawns two workers → one fails → the retry waits out its durable backoff while the gateway is stopped with
// SIGTERM (OpenClaw's own shutdown path, whose drain fires `session_end` with reason "shutdown" for the front) and
// started again → the thread, its binding, workers, blocked-attempt counters, task workflows and the retry budget
// all survived → the retry reaches the orchestrator exactly once, its respawn is accepted → the orchestrator reports
// back with `sessions_send`; visibility lists the thread and its tasks. Issue 9 acceptance 1 and issue 12 scenario 1.
// The drain's session_end "shutdown" for the front is checked in the gateway's log (it reaches the plugin because
// the chat's session was started by `/new` in that process, see below). The front's turn with the summary is not asserted
// (the front got no turn after the orchestrator's sessions_send).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { afterToolResult, textOf, turnText, type ModelCall, type ModelRequest, type ScriptedReply } from './fakes/model-server.ts';
import { freshSession, startFakeTelegram, telegramGatewayConfig, type FakeTelegram } from './fakes/telegram-bot-api.ts';
import { gatewayLogViolations, logLines } from './auditor.ts';
import { drainViolations, retryDeliveryViolations, threadLossViolations, threadSnapshot } from './orchestrator-audit.ts';
import { startStack, type E2EStack } from './harness.ts';
import { subagentTask, toolResults } from './transcripts.ts';
import { eventually } from '../helpers/temporal.ts';
import { frontKeyOfWorkflowId } from '../../workflows/orchestrator/contract.ts';

const USER = 444; // the user's private Telegram chat with the bot
const TASK = 'TASK-ALPHA: compare the two release notes';
const WORKER_A = { task: 'WORKER-A: summarise release notes one', label: 'notes-one' };
const WORKER_B = { task: 'WORKER-B: summarise release notes two', label: 'notes-two' };
const SUMMARY = 'SUMMARY-OMEGA: both release notes compared';
const RETRY_BACKOFF_MS = 90_000;

let stack: E2EStack;
let telegram: FakeTelegram;

/** Which scripted session a request belongs to, from its own `[Subagent Task]` (none: the front). */
function roleOf(request: ModelRequest): 'front' | 'orchestrator' | 'worker-a' | 'worker-b' | 'other' {
  const task = subagentTask(request);
  if (task === undefined) return request.messages.some((m) => textOf(m.content).includes('q-delegate')) ? 'front' : 'other';
  if (task.includes('You are the hidden orchestrator')) return 'orchestrator';
  if (task.includes('WORKER-B')) return 'worker-b';
  if (task.includes('WORKER-A')) return 'worker-a';
  return 'other';
}

/** The orchestrator's script, one step per model call of its session (a gateway restart does not reset it). */
const orchestrator = { execs: 0, spawned: false, respawned: false, summarySent: false, retrySeen: false, bSucceeded: false, execResults: [] as string[] };

function orchestratorStep(request: ModelRequest, usage: { input: number; output: number }): ScriptedReply {
  const turn = turnText(request);
  const skip = /\b(REPLY_SKIP|ANNOUNCE_SKIP)\b/.exec(turn)?.[1];
  if (skip && orchestrator.summarySent) return { kind: 'text', text: skip, usage };
  if (orchestrator.execs < 3) {
    orchestrator.execs += 1;
    return { kind: 'tools', calls: [{ name: 'exec', args: { command: `echo attempt-${orchestrator.execs}` } }], usage };
  }
  if (!orchestrator.spawned) {
    orchestrator.spawned = true;
    orchestrator.execResults = toolResults(request).slice(-3);
    return { kind: 'tools', calls: [{ name: 'sessions_spawn', args: WORKER_A }, { name: 'sessions_spawn', args: WORKER_B }], usage };
  }
  if (turn.includes('<orchestrator-retry>')) orchestrator.retrySeen = true;
  if (orchestrator.retrySeen && !orchestrator.respawned) {
    orchestrator.respawned = true;
    return { kind: 'tools', calls: [{ name: 'sessions_spawn', args: WORKER_B }], usage };
  }
  // The respawned worker B answered: this turn is its completion announcement; report back to the front.
  if (orchestrator.respawned && orchestrator.bSucceeded && !orchestrator.summarySent) {
    orchestrator.summarySent = true;
    return { kind: 'tools', calls: [{ name: 'sessions_send', args: { message: SUMMARY } }], usage };
  }
  return { kind: 'text', text: orchestrator.summarySent ? 'orchestrator done' : 'waiting for workers', usage };
}

function respond(request: ModelRequest, seq: number): ScriptedReply {
  const usage = { input: 700 + seq, output: 7 + seq };
  switch (roleOf(request)) {
    case 'front': {
      if (turnText(request).includes(SUMMARY)) return { kind: 'text', text: 'Front got the summary.', usage };
      if (afterToolResult(request)) return { kind: 'text', text: 'Delegated to the orchestrator.', usage };
      if (turnText(request).includes('q-delegate')) return { kind: 'tools', calls: [{ name: 'sessions_spawn', args: { task: TASK, label: 'research' } }], usage };
      return { kind: 'text', text: `front ${seq}`, usage };
    }
    case 'orchestrator':
      return orchestratorStep(request, usage);
    case 'worker-a':
      return { kind: 'text', text: 'A-RESULT-OK', usage };
    case 'worker-b':
      // The first worker B fails (its model call errors); the respawn after the retry succeeds.
      if (!orchestrator.retrySeen) return { kind: 'http-error', status: 400, message: 'scripted failure of worker B' };
      orchestrator.bSucceeded = true;
      return { kind: 'text', text: 'B-RESULT-OK', usage };
    default:
      return { kind: 'text', text: `ok ${seq}`, usage };
  }
}

before(async () => {
  telegram = await startFakeTelegram();
  stack = await startStack('e2e-orchestrator', respond, {
    withChannels: true,
    // decisionTimeoutMs at its maximum: on two shared, busy cores the gateway's event loop stalls for seconds, and
    // a tool decision past its deadline follows onTemporalError (allow) instead of the thread's rules, which would
    // change the scripted exec outcomes (a spawn result past it waits in the orchestrator's outbox).
    pluginConfig: { orchestrator: { decisionTimeoutMs: 14_000, retryBackoff: { initialMs: RETRY_BACKOFF_MS, multiplier: 1, maxMs: RETRY_BACKOFF_MS } } },
    extraConfig: telegramGatewayConfig(telegram),
  });
});

after(async () => {
  await stack?.stop();
  await telegram?.close();
});

const orchestratorCalls = (): ModelCall[] => stack.model.calls.filter((c) => roleOf(c.request) === 'orchestrator');

test('front → orchestrator bound → exec blocked twice, allowed → two workers → one fails → its retry survives a SIGTERM restart, reaches the orchestrator once, respawn accepted → orchestrator reports back', { timeout: 1_500_000 }, async () => {
  const why = () => `\n--- model calls\n${stack.modelTrace()}\n--- gateway log\n${logLines(stack.gatewayLogs(), /orchestrator|subagent|spawn|telegram|thread/i, 60)}`;
  // `/new` first: OpenClaw 2026.9.6's shutdown drain fires session_end only for sessions a reset started in this
  // process (a chat's first session is created at admission and never noted), so without it the SIGTERM below
  // would prove nothing about the drain.
  await freshSession(telegram, USER);
  telegram.inbound(USER, USER, 'q-delegate: please get the release comparison done');

  // The front's turn: the prompt is injected, the spawn is rewritten, OpenClaw accepts it thread-bound.
  const threadId = await eventually('an orchestrator thread in visibility', async () => {
    for await (const wf of stack.server.client.workflow.list()) if (wf.workflowId.startsWith('orchestrator/')) return wf.workflowId;
    return undefined;
  }, 240_000).catch((err: unknown) => { throw new Error(`${String(err)}${why()}`); });
  const front = frontKeyOfWorkflowId(threadId) ?? '';
  const frontCall = stack.model.calls.find((c) => turnText(c.request).includes('q-delegate'));
  assert.ok(frontCall && turnText(frontCall.request).includes('[orchestrator mode is active]'), `the orchestrator prompt is injected into the front turn${why()}`);

  // Bound, exec blocked twice then allowed, two workers spawned, worker B failed, its retry waiting on its backoff.
  const beforeRestart = await eventually('a bound orchestrator with two workers, one failed, and a pending retry', async () => {
    const snap = await threadSnapshot(stack.server.client, front);
    const statuses = Object.values(snap.workers);
    const retrying = Object.values(snap.tasks).some((t) => t.state?.status === 'retrying' || t.state?.pendingRetry);
    return snap.orchestratorKey && statuses.length === 2 && statuses.includes('error') && retrying ? snap : undefined;
  }, 300_000).catch((err: unknown) => { throw new Error(`${String(err)}${why()}`); });
  const spawnResult = toolResults(stack.model.calls.find((c) => roleOf(c.request) === 'front' && afterToolResult(c.request))?.request ?? { messages: [], model: '', toolNames: [], stream: true }).join('\n');
  assert.match(spawnResult, /accepted/, `the rewritten thread-bound spawn is accepted${why()}`);
  const execResults = orchestrator.execResults;
  assert.match(execResults[0] ?? '', /blocked attempt 1/, `exec attempt 1 blocked${why()}`);
  assert.match(execResults[1] ?? '', /blocked attempt 2/, `exec attempt 2 blocked${why()}`);
  assert.doesNotMatch(execResults[2] ?? '', /blocked attempt/, `exec attempt 3 allowed${why()}`);
  assert.ok(Object.values(beforeRestart.blockedAttempts).some((n) => n >= 2), `the exec counter is kept: ${JSON.stringify(beforeRestart.blockedAttempts)}`);

  // Issue 9 acceptance: SIGTERM through OpenClaw's shutdown (its drain fires session_end "shutdown"), then a start —
  // once the turns the worker's end started are over (a run still preparing would make OpenClaw itself retire
  // every plugin by force, token-audit included; see quiesce).
  await stack.quiesce(10_000, 45_000);
  assert.deepEqual(retryDeliveryViolations(stack.model.calls, 1, 0), [], 'the retry is still waiting for its backoff');
  const restartAt = stack.model.calls.length;
  const stoppedGateway = stack.gateway;
  const stopped = await stack.restartGateway();
  assert.equal(stopped, 'code 0', `graceful stop (SIGTERM)${why()}\n--- the stopped gateway's last lines\n${stoppedGateway.output().split('\n').slice(-40).join('\n')}`);
  assert.deepEqual(drainViolations(stack.gatewayLogs(), front, 'shutdown'), [], `the SIGTERM's session-end drain${why()}`);
  const afterRestart = await threadSnapshot(stack.server.client, front);
  assert.deepEqual(threadLossViolations(beforeRestart, afterRestart), [], `state across a graceful gateway restart${why()}`);

  // After the restart the retry's backoff ends and the gateway activity stores the event in the orchestrator's
  // session. Its wake cannot start that turn: OpenClaw 2026.9.6 runs a heartbeat asked for a subagent session in
  // the agent's main session instead (heartbeat-runner-session: a forced subagent key → main session). So the event
  // is seen at the orchestrator's next turn, here the user writing in the chat, which OpenClaw's persisted Telegram
  // binding still routes to the orchestrator. The retry reaches it exactly once, its respawn is accepted, the
  // summary reaches the front.
  await eventually('the retry stored in the orchestrator session after the restart', () => (/system event delivered[^\n]*orchestrator-retry/.test(stack.gateway.output()) ? true : undefined), 240_000)
    .catch((err: unknown) => { throw new Error(`${String(err)}${why()}`); });
  telegram.inbound(USER, USER, 'q-status: how is it going?');
  await eventually('the orchestrator turn of the message in its bound chat', () => (orchestratorCalls().some((c) => turnText(c.request).includes('q-status')) ? true : undefined), 240_000)
    .catch((err: unknown) => { throw new Error(`the chat is still bound to the orchestrator after the restart: ${String(err)}${why()}`); });
  // The orchestrator reports back with sessions_send (no sessionKey: the bridge targets the front). That the front
  // then gets a turn is not asserted: in this harness it does not (not yet explained).
  await eventually('the orchestrator reporting back after the respawned worker succeeded', () => (orchestrator.summarySent ? true : undefined), 300_000)
    .catch((err: unknown) => { throw new Error(`${String(err)}${why()}`); });
  assert.deepEqual(retryDeliveryViolations(stack.model.calls.slice(restartAt), 1), [], `retry delivered after the restart${why()}`);
  assert.deepEqual(retryDeliveryViolations(stack.model.calls, 1), [], `retry delivered once in all${why()}`);
  const done = await threadSnapshot(stack.server.client, front);
  const taskB = Object.values(done.tasks).find((t) => t.state?.spec.label === WORKER_B.label)?.state;
  assert.equal(taskB?.retriesUsed, 1, 'the budget counted one retry');
  assert.equal(taskB?.attempts.length, 2, 'the respawn was accepted and routed to the task');
  assert.equal(Object.keys(done.workers).length, 3, 'three workers: A, B and B respawned');

  // Visibility: the thread by its front session, the tasks by their key.
  const listed: string[] = [];
  for await (const wf of stack.server.client.workflow.list({ query: `OpenClawFrontSession = "${front}"` })) listed.push(wf.workflowId);
  assert.deepEqual(listed, [threadId]);
  assert.ok(Object.keys(done.tasks).length >= 2, 'the task workflows are listed');
  assert.deepEqual(gatewayLogViolations(stack.gatewayLogs()), []);
});
