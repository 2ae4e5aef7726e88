/**
 * Builders for orchestrator thread tests and scenarios: tool calls, spawn receipts and signals as the bridge
 * sends them, played through the real ThreadClient (bounded calls, the per-thread chain).
 */
import { type OrchestratorConfig } from '../../workflows/orchestrator/config.ts';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import {
  orchestratorSessionEndSignal,
  orchestratorSpawnResultSignal,
  orchestratorSubagentActivitySignal,
  orchestratorSubagentEndedSignal,
  type ToolCallOutcome,
} from '../../workflows/orchestrator/contract.ts';
import type { ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import type { Answer, ThreadClient } from '../../plugin-bridge/orchestrator/thread-client.ts';

export const policy: OrchestratorConfig = parseOrchestratorConfig({});
const soon = () => Date.now() + 10_000;
let counter = 0;

function ok<T>(answer: Answer<T>, what: string): T {
  if (answer.kind !== 'ok') throw new Error(`${what}: the thread answered ${answer.kind}`);
  return answer.value;
}

/** Plays the bridge's side of one thread against the real workflow. */
export class ThreadDriver {
  constructor(
    readonly threads: ThreadClient,
    readonly frontKey: string,
    readonly config: OrchestratorConfig = policy,
  ) {}

  /** A tool call decided by the thread (an update); `start` for the front's spawns. */
  async tool(sessionKey: string, toolName: string, params: Record<string, unknown> = {}, o: { runId?: string; start?: boolean; lastUserMessage?: string } = {}): Promise<ToolCallOutcome & { toolCallId: string }> {
    const toolCallId = `tc-${++counter}`;
    const call = { sessionKey, toolName, params, runId: o.runId ?? 'run-1', toolCallId };
    const request = { call, config: this.config, ...(o.lastUserMessage === undefined ? {} : { lastUserMessage: o.lastUserMessage }) };
    const outcome = ok(await this.threads.toolCall(this.frontKey, request, `tool-call:${toolCallId}`, soon(), o.start ?? false), 'tool call');
    return { ...outcome, toolCallId };
  }

  /** A spawn decided by the thread, then its accepted (or refused) result signalled with `childKey`. */
  async spawn(sessionKey: string, childKey: string, params: Record<string, unknown> = {}, accepted = true): Promise<ToolCallOutcome> {
    const outcome = await this.tool(sessionKey, 'sessions_spawn', params, { start: sessionKey === this.frontKey });
    await this.spawnResult(sessionKey, outcome.toolCallId, childKey, accepted);
    return outcome;
  }

  async spawnResult(sessionKey: string, toolCallId: string, childKey: string, accepted = true): Promise<void> {
    const signal = { eventId: `spawn-result:${toolCallId}`, sessionKey, runId: 'run-1', toolCallId, accepted, childSessionKey: childKey };
    ok(await this.threads.signal(this.frontKey, orchestratorSpawnResultSignal, signal, soon()), 'spawn result');
  }

  async activity(requester: string, child: string, eventId = `activity-${++counter}`): Promise<void> {
    const signal = { eventId, hook: 'subagent_spawned' as const, requesterSessionKey: requester, childSessionKey: child };
    ok(await this.threads.signal(this.frontKey, orchestratorSubagentActivitySignal, signal, soon()), 'activity');
  }

  async ended(target: string, outcome: string | undefined, eventId = `ended-${target}-${outcome}`): Promise<Answer<void>> {
    const signal = { eventId, targetSessionKey: target, targetKind: 'subagent', ...(outcome === undefined ? {} : { outcome }) };
    return this.threads.signal(this.frontKey, orchestratorSubagentEndedSignal, signal, soon());
  }

  async sessionEnd(sessionKey: string): Promise<Answer<void>> {
    return this.threads.signal(this.frontKey, orchestratorSessionEndSignal, { eventId: `session-end:${sessionKey}`, sessionKey }, soon());
  }

  async state(): Promise<ThreadState> {
    return ok(await this.threads.thread(this.frontKey, soon()), 'thread query');
  }
}
