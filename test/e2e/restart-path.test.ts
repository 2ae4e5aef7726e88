// End to end: OpenClaw's restart path. `openclaw gateway restart` writes a restart intent and signals the running
// gateway, which shuts down with reason "restart" — its session-end drain fires `session_end` with that reason for
// every session started in the process — and starts again in the same process, loading every plugin anew. A
// thread bound before the restart keeps its orchestrator, its blocked-attempt counter and its routing: the next
// message in the chat reaches the orchestrator, and its `exec` in that new run gets the decision the original
// would give (blocked, attempt 1: the count is per run, session and tool). Issue 9 acceptance 1 (the restart path); issue 12, fault "gateway restart path".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { afterToolResult, turnText, type ModelRequest, type ScriptedReply } from './fakes/model-server.ts';
import { freshSession, startFakeTelegram, telegramGatewayConfig, type FakeTelegram } from './fakes/telegram-bot-api.ts';
import { gatewayLogViolations, logLines } from './auditor.ts';
import { drainViolations, threadLossViolations, threadSnapshot } from './orchestrator-audit.ts';
import { startStack, type E2EStack } from './harness.ts';
import { afterOwnToolResult, subagentTask, toolResults } from './transcripts.ts';
import { eventually } from '../helpers/temporal.ts';
import { orchestratorThreadWorkflowId } from '../../workflows/orchestrator/contract.ts';

const USER = 512;
const FRONT = `agent:main:telegram:direct:${USER}`;

let stack: E2EStack;
let telegram: FakeTelegram;
/** The orchestrator's `exec` results so far, from its own transcript (one per run, each blocked as attempt 1). */
let execResults: string[] = [];

function respond(request: ModelRequest, seq: number): ScriptedReply {
  const usage = { input: 300 + seq, output: 3 + seq };
  const task = subagentTask(request);
  if (task === undefined) {
    if (turnText(request).includes('q-delegate') && !afterToolResult(request)) return { kind: 'tools', calls: [{ name: 'sessions_spawn', args: { task: 'TASK-RESTART: watch the build', label: 'build' } }], usage };
    return { kind: 'text', text: 'Delegated to the orchestrator.', usage };
  }
  if (!task.includes('You are the hidden orchestrator')) return { kind: 'text', text: `ok ${seq}`, usage };
  // The orchestrator answers each message with one `exec`, and the tool's result with a line of text.
  if (!afterOwnToolResult(request)) return { kind: 'tools', calls: [{ name: 'exec', args: { command: `echo try-${seq}` } }], usage };
  execResults = toolResults(request);
  return { kind: 'text', text: 'standing by', usage };
}

before(async () => {
  telegram = await startFakeTelegram();
  stack = await startStack('e2e-restart-path', respond, {
    withChannels: true,
    pluginConfig: { orchestrator: { decisionTimeoutMs: 14_000 } },
    extraConfig: telegramGatewayConfig(telegram),
  });
});

after(async () => {
  await stack?.stop();
  await telegram?.close();
});

test('`openclaw gateway restart`: the drain says "restart", the thread, its binding and its counter survive, the chat still reaches the orchestrator', { timeout: 900_000 }, async () => {
  const why = () => `\n--- model calls\n${stack.modelTrace()}\n--- gateway log\n${logLines(stack.gatewayLogs(), /orchestrator|subagent|spawn|session end|restart|drain/i, 60)}`;
  // `/new` first: the shutdown drain knows only sessions a reset started in this process (see orchestrator.test.ts).
  await freshSession(telegram, USER);
  telegram.inbound(USER, USER, 'q-delegate: keep an eye on the build');
  const beforeRestart = await eventually('a bound orchestrator whose first exec was blocked', async () => {
    const snap = await threadSnapshot(stack.server.client, FRONT).catch(() => undefined);
    return snap?.orchestratorKey !== undefined && Object.values(snap.blockedAttempts).some((n) => n >= 1) ? snap : undefined;
  }, 300_000).catch((err: unknown) => { throw new Error(`${String(err)}${why()}`); });

  await stack.restartGatewayInPlace();
  assert.deepEqual(drainViolations(stack.gatewayLogs(), FRONT, 'restart'), [], `the restart's session-end drain${why()}`);
  const afterRestart = await threadSnapshot(stack.server.client, FRONT);
  assert.deepEqual(threadLossViolations(beforeRestart, afterRestart), [], `state across \`openclaw gateway restart\`${why()}`);

  // The chat is still bound to the orchestrator (OpenClaw's binding and ours), and the counter goes on from 1.
  telegram.inbound(USER, USER, 'q-after: still watching?');
  await eventually('the orchestrator tried exec again after the restart', () => (execResults.length >= 2 ? true : undefined), 300_000)
    .catch((err: unknown) => { throw new Error(`the chat no longer reaches the orchestrator after the restart: ${String(err)}${why()}`); });
  assert.match(execResults[0] ?? '', /blocked attempt 1/, `the first exec was blocked as attempt 1${why()}`);
  // The counter is per (run, session, tool) as in the original: the new run's first try is attempt 1 again. That it
  // is blocked at all shows the session is still known as this thread's orchestrator after the restart.
  assert.match(execResults[1] ?? '', /blocked attempt 1/, `after the restart the orchestrator is still recognised: its exec is blocked${why()}`);
  const running = await stack.server.client.workflow.getHandle(orchestratorThreadWorkflowId(FRONT)).describe();
  assert.equal(running.status.name, 'RUNNING');
  assert.deepEqual(gatewayLogViolations(stack.gatewayLogs()), []);
});
