/**
 * The slice of OpenClaw's plugin API (openclaw@2026.9.6) token-audit uses, as structural subsets of the host's
 * types (reference/openclaw-plugin-api.md §1.3, §2) so the plugin needs no `openclaw` import. Event fields are
 * optional here even where the host declares them required: handlers must survive a host that omits one.
 */
import type { PluginLogger } from '../shared/openclaw-types.ts';

export type { PluginLogger };

/** Subset of `PluginHookAgentContext`, the second argument of the LLM hooks. */
export interface AgentContext {
  readonly runId?: string;
  readonly sessionId?: string;
  readonly sessionKey?: string;
  readonly agentId?: string;
}

/** Subset of `PluginHookLlmInputEvent`: what is about to be sent to the model. */
export interface LlmInputEvent {
  readonly runId?: string;
  readonly sessionId?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly systemPrompt?: string;
  readonly prompt?: string;
  readonly historyMessages?: readonly unknown[];
}

/** `PluginHookLlmOutputEvent['usage']`: token counts as OpenClaw normalises them. */
export interface LlmUsage {
  readonly input?: number;
  readonly output?: number;
  readonly cacheRead?: number;
  readonly cacheWrite?: number;
  readonly total?: number;
}

/** Subset of `PluginHookLlmOutputEvent`: one model response. */
export interface LlmOutputEvent {
  readonly runId?: string;
  readonly sessionId?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly usage?: LlmUsage;
}

/** Subset of `PluginHookBeforeAgentRunEvent`: the run about to start. */
export interface BeforeAgentRunEvent {
  readonly prompt?: string;
  readonly messages?: readonly unknown[];
  readonly systemPrompt?: string;
}

/** `before_agent_run`'s answer: undefined passes; a block stops the run with the reason (fail-closed gate). */
export type BeforeAgentRunResult = { outcome: 'pass' } | { outcome: 'block'; reason: string } | undefined;

/** The handlers token-audit registers; the LLM hooks are fire-and-forget observers in the host. */
export interface TokenAuditHooks {
  llm_input: (event: LlmInputEvent, ctx: AgentContext) => Promise<void> | void;
  llm_output: (event: LlmOutputEvent, ctx: AgentContext) => Promise<void> | void;
  before_agent_run: (event: BeforeAgentRunEvent, ctx: AgentContext) => BeforeAgentRunResult;
}

/** Subset of `OpenClawPluginApi` passed to `register(api)`. */
export interface TokenAuditApi {
  readonly pluginConfig?: Record<string, unknown>;
  readonly logger: PluginLogger;
  /** `api.runtime.state.resolveStateDir` (docs/plugins/sdk-runtime/state-and-system.md); optional so older hosts still load. */
  readonly runtime?: { readonly state?: { readonly resolveStateDir?: () => string } };
  on<K extends keyof TokenAuditHooks>(hook: K, handler: TokenAuditHooks[K]): void;
}
