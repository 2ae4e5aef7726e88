/**
 * The slice of OpenClaw's plugin API (openclaw@2026.9.6) the bridge uses, written as structural types so the
 * bridge does not depend on the `openclaw` package: the host passes its real objects and they fit. Field names
 * follow `dist/hook-runner-global-*.d.ts` of that release (see shared/reference/openclaw-plugin-api.md §1–2).
 */
import type { PluginSessionWorkflow } from '../../activities/gateway-host.ts';

/** `api.logger`: message-only methods; `debug` may be missing. */
export interface PluginLogger {
  debug?: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

/** What a plugin service's `start`/`stop` receive. */
export interface PluginServiceContext {
  readonly stateDir: string;
  readonly logger: PluginLogger;
}

/** A background service: started after registration, stopped when the gateway stops or the plugin is retired. */
export interface PluginService {
  readonly id: string;
  start(ctx: PluginServiceContext): void | Promise<void>;
  stop?(ctx: PluginServiceContext): void | Promise<void>;
}

/** Options of `api.on`. */
export interface HookOptions {
  readonly priority?: number;
  readonly timeoutMs?: number;
}

/** `message_received` / `message_sending` context. */
export interface MessageContext {
  readonly channelId: string;
  readonly accountId?: string;
  readonly conversationId?: string;
  readonly sessionKey?: string;
  readonly messageId?: string;
  readonly senderId?: string;
}

export interface MessageReceivedEvent {
  readonly from: string;
  readonly content: string;
  readonly timestamp?: number;
  readonly messageId?: string;
  readonly metadata?: Record<string, unknown>;
}

export interface MessageSendingEvent {
  readonly to: string;
  readonly content: string;
  readonly metadata?: Record<string, unknown>;
}

export interface MessageSendingResult {
  content?: string;
  cancel?: boolean;
  cancelReason?: string;
}

/** The parts of OpenClaw's `ReplyPayload` the bridge reads. */
export interface ReplyPayload {
  readonly text?: string;
  readonly mediaUrl?: string;
  readonly mediaUrls?: readonly string[];
}

/** `reply_payload_sending`: a normalized reply payload about to be delivered (context: {@link MessageContext}). */
export interface ReplyPayloadSendingEvent {
  readonly payload: ReplyPayload;
  readonly kind?: string;
  readonly channel?: string;
}

export interface ReplyPayloadSendingResult {
  payload?: ReplyPayload;
  cancel?: boolean;
  reason?: string;
}

/** `before_tool_call` / `after_tool_call` context (`PluginHookToolContext`). */
export interface ToolContext {
  readonly agentId?: string;
  readonly sessionKey?: string;
  readonly sessionId?: string;
  readonly runId?: string;
  readonly toolName?: string;
  readonly toolCallId?: string;
}

export interface BeforeToolCallEvent {
  readonly toolName: string;
  readonly params: Record<string, unknown>;
  readonly runId?: string;
  readonly toolCallId?: string;
}

/** Returned `params` are shallow-merged over the originals; `block` vetoes the call. */
export interface BeforeToolCallResult {
  params?: Record<string, unknown>;
  block?: boolean;
  blockReason?: string;
}

/** Fire-and-forget in the embedded runner; `result` is `{ content, details }` for `sessions_spawn`. */
export interface AfterToolCallEvent {
  readonly toolName: string;
  readonly params: Record<string, unknown>;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly result?: unknown;
  readonly error?: string;
}

/** `before_prompt_build` context (`PluginHookAgentContext`, the fields the bridge reads). */
export interface AgentContext {
  readonly runId?: string;
  readonly agentId?: string;
  readonly sessionKey?: string;
  readonly sessionId?: string;
}

export interface BeforePromptBuildEvent {
  readonly prompt: string;
  readonly messages: unknown[];
}

/** `prependContext` is concatenated across plugins. */
export interface BeforePromptBuildResult {
  prependContext?: string;
}

/** `subagent_*` context; on the session reset/delete path only `childSessionKey` is set. */
export interface SubagentContext {
  readonly runId?: string;
  readonly childSessionKey?: string;
  readonly requesterSessionKey?: string;
}

export interface SubagentSpawnedEvent {
  readonly childSessionKey: string;
  readonly agentId?: string;
  readonly label?: string;
  readonly runId?: string;
}

export interface SubagentDeliveryTargetEvent {
  readonly childSessionKey: string;
  readonly requesterSessionKey: string;
  readonly childRunId?: string;
}

/** Deprecated hook, still honoured: the first returned `origin` wins. */
export interface SubagentDeliveryTargetResult {
  origin?: { channel?: string; accountId?: string; to?: string; threadId?: string | number };
}

/** `targetSessionKey` equals `subagent_spawned.childSessionKey`; `outcome` may be missing. */
export interface SubagentEndedEvent {
  readonly targetSessionKey: string;
  readonly targetKind: string;
  readonly reason?: string;
  readonly runId?: string;
  readonly outcome?: string;
}

export interface SessionContext {
  readonly agentId?: string;
  readonly sessionId?: string;
  readonly sessionKey?: string;
}

export interface SessionEndEvent {
  readonly sessionId?: string;
  readonly sessionKey?: string;
  readonly reason?: string;
}

/** The handlers the bridge registers, by hook name. Events are `unknown`-safe: handlers re-check shapes. */
export interface HookHandlers {
  message_received: (event: MessageReceivedEvent, ctx: MessageContext) => Promise<void> | void;
  message_sending: (event: MessageSendingEvent, ctx: MessageContext) => Promise<MessageSendingResult | void> | MessageSendingResult | void;
  reply_payload_sending: (
    event: ReplyPayloadSendingEvent,
    ctx: MessageContext,
  ) => Promise<ReplyPayloadSendingResult | void> | ReplyPayloadSendingResult | void;
  before_tool_call: (event: BeforeToolCallEvent, ctx: ToolContext) => Promise<BeforeToolCallResult | void> | BeforeToolCallResult | void;
  after_tool_call: (event: AfterToolCallEvent, ctx: ToolContext) => Promise<void> | void;
  before_prompt_build: (event: BeforePromptBuildEvent, ctx: AgentContext) => Promise<BeforePromptBuildResult | void> | BeforePromptBuildResult | void;
  subagent_spawned: (event: SubagentSpawnedEvent, ctx: SubagentContext) => Promise<void> | void;
  subagent_delivery_target: (
    event: SubagentDeliveryTargetEvent,
    ctx: SubagentContext,
  ) => Promise<SubagentDeliveryTargetResult | void> | SubagentDeliveryTargetResult | void;
  subagent_ended: (event: SubagentEndedEvent, ctx: SubagentContext) => Promise<void> | void;
  session_end: (event: SessionEndEvent, ctx: SessionContext) => Promise<void> | void;
}

/** The `api` object passed to `register(api)`. */
/** `api.runtime.system`: what the gateway activity worker needs (openclaw@2026.9.6 `createRuntimeSystem`). */
export interface PluginSystemRuntime {
  enqueueSystemEvent(text: string, options: { sessionKey: string; agentId?: string; contextKey?: string | null; replace?: boolean }): boolean;
  requestHeartbeat(options: { source: string; intent: string; reason?: string; sessionKey?: string; agentId?: string }): unknown;
}

export interface PluginApi {
  readonly id: string;
  readonly registrationMode?: string;
  readonly pluginConfig?: Record<string, unknown>;
  readonly logger: PluginLogger;
  /** Host services; absent in hand-rolled test hosts. */
  readonly runtime?: { readonly system?: PluginSystemRuntime };
  /** Session facades (openclaw ≥ 2026.9); absent in hand-rolled test hosts. */
  readonly session?: { readonly workflow?: PluginSessionWorkflow };
  on<K extends keyof HookHandlers>(hook: K, handler: HookHandlers[K], opts?: HookOptions): void;
  registerService(service: PluginService): void;
}
