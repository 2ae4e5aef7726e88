/**
 * The slice of OpenClaw's plugin API (openclaw@2026.9.6) usage-ledger uses, as structural subsets of the host's
 * types (reference/openclaw-plugin-api.md §1.3, §2) so the plugin needs no `openclaw` import. Event fields are
 * optional here even where the host declares them required: a handler must survive a host that omits one.
 */
import type { PluginLogger, PluginService } from '../shared/openclaw-types.ts';

/** Subset of `PluginHookAgentContext`, the second argument of `llm_output` and `model_call_ended`. */
export interface AgentContext {
  readonly runId?: string;
  readonly agentId?: string;
  readonly sessionKey?: string;
  readonly sessionId?: string;
}

/** Subset of `PluginHookLlmOutputEvent`: one model response (per run attempt) with its normalised usage. */
export interface LlmOutputEvent {
  readonly runId?: string;
  readonly sessionId?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly usage?: Readonly<Record<string, unknown>>;
}

/** Subset of `PluginHookModelCallEndedEvent`: one model call inside a run, with its duration and outcome. */
export interface ModelCallEndedEvent {
  readonly runId?: string;
  readonly callId?: string;
  readonly durationMs?: number;
  readonly outcome?: 'completed' | 'error';
}

/** `before_agent_run`'s decision (`InputGateDecision | void`): void passes. */
export type BeforeAgentRunResult = { readonly outcome: 'block'; readonly reason: string; readonly message?: string; readonly category?: string } | undefined;

/** The handlers usage-ledger registers; the usage hooks are fire-and-forget observers in the host. */
export interface UsageLedgerHooks {
  llm_output: (event: LlmOutputEvent, ctx: AgentContext) => void;
  model_call_ended: (event: ModelCallEndedEvent, ctx: AgentContext) => void;
  /** Registered only with a block budget: the host's input gate (fail-closed), decided from the cached budget state. */
  before_agent_run: (event: unknown, ctx: AgentContext) => BeforeAgentRunResult;
}

/** Subset of `OpenClawPluginApi` passed to `register(api)`. */
export interface UsageLedgerApi {
  readonly pluginConfig?: Record<string, unknown>;
  /** The OpenClaw config; its `models.providers.*.models[].cost` price the rows. */
  readonly config?: unknown;
  /** `api.runtime.system.enqueueSystemEvent` for budget alerts into the agent's session. */
  readonly runtime?: { readonly system?: { readonly enqueueSystemEvent?: (text: string, options: { sessionKey: string; agentId?: string }) => boolean } };
  readonly logger: PluginLogger;
  on<K extends keyof UsageLedgerHooks>(hook: K, handler: UsageLedgerHooks[K]): void;
  registerService(service: PluginService): void;
}
