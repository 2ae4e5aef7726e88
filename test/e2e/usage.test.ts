// End to end: real agent turns through a running gateway (all four plugins, real Temporal, the worker process),
// the fake model reporting scripted token counts. Every model response OpenClaw reports through `llm_output`
// (one per agent run: the run's last model call) has exactly one usage-ledger row and one token-audit line with
// the scripted counts — also across a graceful gateway restart (SIGTERM through its own shutdown path) and a
// kill -9 between turns. Without plugin-bridge/shared/live-registration.ts this fails: OpenClaw fires the agent
// hooks on a discovery-mode registration whose sender never started, so no usage row is ever written.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { afterToolResult, turnText, type ScriptedReply } from './fakes/model-server.ts';
import { gatewayLogViolations, runUsage, tokenAuditLines, usageRows, usageViolations } from './auditor.ts';
import { startStack, type E2EStack } from './harness.ts';
import { eventually } from '../helpers/temporal.ts';

let stack: E2EStack;

/** Unique token counts per call (input 1000+seq, output 10+seq) so a row names the call it came from. */
function respond(request: Parameters<Parameters<typeof startStack>[1]>[0], seq: number): ScriptedReply {
  const usage = { input: 1000 + seq, output: 10 + seq };
  if (afterToolResult(request)) return { kind: 'text', text: `status seen (${seq})`, usage };
  if (turnText(request).includes('check your status')) return { kind: 'tools', calls: [{ name: 'session_status', args: {} }], usage };
  return { kind: 'text', text: `answer ${seq}`, usage };
}

before(async () => {
  stack = await startStack('e2e-usage', respond);
});

after(async () => {
  await stack?.stop();
});

/** The (input, output) pairs of the token-audit lines: one per `llm_output`. */
function auditPairs(): string[] {
  return tokenAuditLines(stack.sandbox.stateDir).map((l) => {
    const usage = l.usage as { input: number; output: number };
    return `${usage.input}/${usage.output}`;
  });
}

test('usage rows and token-audit lines for every model response, across SIGTERM and kill -9 of the gateway', { timeout: 900_000 }, async () => {
  const key = 'agent:main:main';
  assert.match(await stack.chat(key, 'hello there'), /answer/);
  assert.match(await stack.chat(key, 'please check your status'), /status seen/, stack.modelTrace());
  {
    const how = await stack.restartGateway();
    assert.equal(how, 'code 0', 'the gateway stops cleanly on SIGTERM');
  }
  assert.match(await stack.chat(key, 'after the restart'), /answer/);
  // kill -9 once the run's llm_output has fired (its token-audit line is there): a response OpenClaw has reported
  // must not be lost. (Killed before the hook fires, the response is lost with the process: llm_output is fired
  // after the HTTP reply, by the host.)
  await eventually('the token-audit line of the run after the restart', () => (auditPairs().length >= 3 ? true : undefined), 30_000);
  await stack.killGateway();
  assert.match(await stack.chat(key, 'after kill -9'), /answer/);

  // OpenClaw fires llm_output once per run, with the sum of the run's model calls.
  const expected = runUsage(stack.model.calls).sort();
  assert.equal(expected.length, 4, stack.modelTrace());
  const settled = () => auditPairs().length >= expected.length && usageRows(stack.sandbox.stateDir).length >= expected.length;
  await eventually('a token-audit line and a usage row per run', () => (settled() ? true : undefined), 30_000).catch(() => false);
  assert.deepEqual([...auditPairs()].sort(), expected, 'token-audit: one line per llm_output with the scripted counts');
  assert.deepEqual(usageViolations(stack.sandbox.stateDir, expected), [], 'usage rows = model responses, none twice');
  assert.deepEqual(gatewayLogViolations(stack.gatewayLogs()), []);
});
