/**
 * The slice of OpenClaw's plugin API (openclaw@2026.9.6) the bridge uses, written as structural types so the
 * bridge does not depend on the `openclaw` package: the host passes its real objects and they fit. Field names
 * follow `dist/hook-runner-global-*.d.ts` of that release (see shared/reference/openclaw-plugin-api.md §1–2).
 */

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

/** The handlers the bridge registers, by hook name. Events are `unknown`-safe: handlers re-check shapes. */
export interface HookHandlers {
  message_received: (event: MessageReceivedEvent, ctx: MessageContext) => Promise<void> | void;
  message_sending: (event: MessageSendingEvent, ctx: MessageContext) => Promise<MessageSendingResult | void> | MessageSendingResult | void;
}

/** The `api` object passed to `register(api)`. */
export interface PluginApi {
  readonly id: string;
  readonly registrationMode?: string;
  readonly pluginConfig?: Record<string, unknown>;
  readonly logger: PluginLogger;
  on<K extends keyof HookHandlers>(hook: K, handler: HookHandlers[K], opts?: HookOptions): void;
  registerService(service: PluginService): void;
}
