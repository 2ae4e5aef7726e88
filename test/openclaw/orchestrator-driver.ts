/**
 * Drives the orchestrator plugin through OpenClaw's real hook runner the way the embedded runner would: tool
 * calls, a `sessions_spawn` from `before_tool_call` to `after_tool_call`, prompts and subagent endings. Only the
 * model is missing: these calls stand in for what it would make the gateway do.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { HookRun, OpenClawHost } from './host-client.ts';

export type ToolResult = { params?: Record<string, unknown>; block?: boolean; blockReason?: string };

/** The merged hook result (`{}` = allowed unchanged), failing the test when the runner rejected. */
export function value<T>(run: HookRun): T {
  assert.equal(run.ok, true, run.ok ? '' : run.error);
  return ((run.ok ? run.result : undefined) ?? {}) as T;
}

export function orchestratorDriver(host: OpenClawHost) {
  // Tool call ids are unique across drivers, as they are across a real gateway's restarts.
  const driverId = randomUUID().slice(0, 8);
  let callCounter = 0;
  /** Fires before_tool_call as the embedded runner does. */
  async function tool(sessionKey: string, toolName: string, params: Record<string, unknown> = {}, runId = `${sessionKey}-run`): Promise<ToolResult & { toolCallId: string }> {
    const toolCallId = `call-${driverId}-${++callCounter}`;
    const run = await host.run('runBeforeToolCall', { toolName, params, runId, toolCallId }, { toolName, sessionKey, runId, toolCallId, agentId: 'main' });
    return { ...value<ToolResult>(run), toolCallId };
  }
  /** A sessions_spawn from before_tool_call to after_tool_call, accepted with `childKey` (subagent_spawned in between). */
  async function spawn(sessionKey: string, childKey: string, params: Record<string, unknown> = {}): Promise<ToolResult> {
    const runId = `${sessionKey}-run`;
    const decided = await tool(sessionKey, 'sessions_spawn', params, runId);
    assert.notEqual(decided.block, true, decided.blockReason);
    await accept(sessionKey, childKey, params, decided);
    return decided;
  }
  /** The rest of an allowed spawn after its before_tool_call: subagent_spawned, then the accepted after_tool_call. */
  async function accept(sessionKey: string, childKey: string, params: Record<string, unknown>, decided: ToolResult & { toolCallId: string }): Promise<void> {
    const runId = `${sessionKey}-run`;
    const sent = { ...params, ...decided.params };
    value(await host.run('runSubagentSpawned', { childSessionKey: childKey, agentId: 'main', label: sent.label, mode: 'run', threadRequested: sent.thread === true, runId: `${childKey}-run` }, { runId: `${childKey}-run`, childSessionKey: childKey, requesterSessionKey: sessionKey }));
    const details = { status: 'accepted', childSessionKey: childKey, runId: `${childKey}-run`, mode: 'run', note: 'spawned' };
    const result = { content: [{ type: 'text', text: JSON.stringify(details, null, 2) }], details };
    value(await host.run('runAfterToolCall', { toolName: 'sessions_spawn', params: sent, runId, toolCallId: decided.toolCallId, result, durationMs: 12 }, { toolName: 'sessions_spawn', sessionKey, runId, toolCallId: decided.toolCallId }));
  }
  async function prompt(sessionKey: string, userText?: string): Promise<string | undefined> {
    const messages = userText === undefined ? [] : [{ role: 'user', content: [{ type: 'text', text: userText }] }];
    return value<{ prependContext?: string }>(await host.run('runBeforePromptBuild', { prompt: userText ?? '', messages }, { sessionKey, agentId: 'main', runId: `${sessionKey}-run` })).prependContext;
  }
  const subagentEnded = (target: string, requester: string, outcome: string) =>
    host.run('runSubagentEnded', { targetSessionKey: target, targetKind: 'subagent', reason: `subagent-${outcome}`, outcome, runId: `${target}-run`, endedAt: Date.now() }, { runId: `${target}-run`, childSessionKey: target, requesterSessionKey: requester });
  return { tool, spawn, accept, prompt, subagentEnded };
}
