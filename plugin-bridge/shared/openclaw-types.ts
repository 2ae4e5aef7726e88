/**
 * The slice of OpenClaw's plugin API (openclaw@2026.9.6) the bridge uses, written as structural types so the
 * bridge does not depend on the `openclaw` package: the host passes its real objects and they fit. Field names
 * follow `dist/hook-runner-global-*.d.ts` of that release (see shared/reference/openclaw-plugin-api.md §1–2).
 * The hooks' events, contexts and results are in `openclaw-message-hooks.ts` and `openclaw-agent-hooks.ts`
 * (re-exported here); this file holds the `api` object, its logger, its services and the handlers by hook name.
 */
import type { PluginSessionWorkflow } from '../../activities/gateway-host.ts';
import type {
  AfterToolCallEvent,
  AgentContext,
  BeforePromptBuildEvent,
  BeforePromptBuildResult,
  BeforeToolCallEvent,
  BeforeToolCallResult,
  SessionContext,
  SessionEndEvent,
  SubagentContext,
  SubagentDeliveryTargetEvent,
  SubagentDeliveryTargetResult,
  SubagentEndedEvent,
  SubagentSpawnedEvent,
  ToolContext,
} from './openclaw-agent-hooks.ts';
import type {
  MessageContext,
  MessageReceivedEvent,
  MessageSendingEvent,
  MessageSendingResult,
  ReplyPayloadSendingEvent,
  ReplyPayloadSendingResult,
} from './openclaw-message-hooks.ts';

export type * from './openclaw-agent-hooks.ts';
export type * from './openclaw-message-hooks.ts';

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

/** `api.runtime.system`: what the gateway activity worker needs (openclaw@2026.9.6 `createRuntimeSystem`). */
export interface PluginSystemRuntime {
  enqueueSystemEvent(text: string, options: { sessionKey: string; agentId?: string; contextKey?: string | null; replace?: boolean }): boolean;
  requestHeartbeat(options: { source: string; intent: string; reason?: string; sessionKey?: string; agentId?: string }): unknown;
}

/** The `api` object passed to `register(api)`. */
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
