/**
 * The orchestrator's resolved configuration as the workflows see it: its type, the tool and outcome lists it
 * draws from, and the defaults of the keys added after the first recorded histories. The parser that produces
 * it from `api.pluginConfig` lives with the plugin (plugin-bridge/orchestrator/policy-config.ts). Plain JSON,
 * so it travels into workflows.
 */

/** The only tools front-controller and orchestrator sessions may ever be allowed, whatever the config says. */
export const ROUTER_TOOLS = [
  'sessions_spawn',
  'sessions_send',
  'sessions_list',
  'sessions_history',
  'session_status',
  'memory_search',
  'memory_get',
] as const;

/** Subagent outcomes a user may ask to retry; anything else in `retryOutcomes` is dropped. */
export const RETRYABLE_OUTCOMES = ['error', 'timeout', 'killed', 'reset', 'deleted'] as const;

/** What the bridge does with a tool call when Temporal cannot answer in time. */
export const OnTemporalError = { Allow: 'allow', Block: 'block' } as const;
/** `"allow"` (fail open, the default: the original enforced nothing by default) or `"block"`. */
export type OnTemporalError = (typeof OnTemporalError)[keyof typeof OnTemporalError];

/** The resolved configuration: every key present, every value already defaulted and filtered. */
export interface OrchestratorConfig {
  /** @default true */
  readonly injectOrchestratorPrompt: boolean;
  /** @default false */
  readonly enforceMainDelegation: boolean;
  /** @default true */
  readonly autoRetryFailedSubagents: boolean;
  /** Integer 1..5. @default 2 */
  readonly maxRetriesPerTask: number;
  /** Lowercased subset of {@link RETRYABLE_OUTCOMES}. @default ["error","timeout"] */
  readonly retryOutcomes: readonly string[];
  /** Always a subset of {@link ROUTER_TOOLS}. @default ROUTER_TOOLS */
  readonly allowedMainTools: readonly string[];
  /** Always a subset of {@link ROUTER_TOOLS}. @default ROUTER_TOOLS */
  readonly allowedOrchestratorTools: readonly string[];
  /** A sanitised label. @default "thread-orchestrator" */
  readonly orchestratorLabelPrefix: string;
  /** Bound on every synchronous Temporal call of the bridge (100..14000, below OpenClaw's 15 s). @default 3000 */
  readonly decisionTimeoutMs: number;
  /** @default "allow" */
  readonly onTemporalError: OnTemporalError;
  /**
   * Durable backoff before a retry event is delivered (new). Optional in the type because thread states recorded
   * before it existed lack it; {@link retrySettingsOf} fills the default. @default immediate, as the original
   */
  readonly retryBackoff?: { readonly initialMs: number; readonly multiplier: number; readonly maxMs: number };
  /** How long a retry waits for the respawn before it is recorded as not picked up (new). @default 600000 */
  readonly retryPickupTimeoutMs?: number;
  /** Also tell the requester when a task's retry budget is exhausted (new). @default false */
  readonly notifyRequesterOnExhausted?: boolean;
  /** Which gateway delivers the retry events: its activity worker polls `openclaw-temporal-gateway/<gatewayId>` (new). @default "default" */
  readonly gatewayId?: string;
  /**
   * Re-delivery of a retry the requester does not answer with a respawn (new): the first wait is
   * retryPickupTimeoutMs, each next one × multiplier (at most maxIntervalMs); after maxDeliveries the retry gives
   * up. @default { maxDeliveries: 3, multiplier: 2, maxIntervalMs: 3600000 }
   */
  readonly retryRedelivery?: { readonly maxDeliveries: number; readonly multiplier: number; readonly maxIntervalMs: number };
}

/** The retry settings of a config, with the defaults for configs recorded before they existed. */
export function retrySettingsOf(config: OrchestratorConfig): Required<Pick<OrchestratorConfig, 'retryBackoff' | 'retryPickupTimeoutMs' | 'notifyRequesterOnExhausted' | 'gatewayId' | 'retryRedelivery'>> {
  return {
    retryBackoff: config.retryBackoff ?? DEFAULT_RETRY_BACKOFF,
    retryPickupTimeoutMs: config.retryPickupTimeoutMs ?? DEFAULT_PICKUP_TIMEOUT_MS,
    notifyRequesterOnExhausted: config.notifyRequesterOnExhausted ?? false,
    gatewayId: config.gatewayId ?? 'default',
    retryRedelivery: config.retryRedelivery ?? DEFAULT_REDELIVERY,
  };
}

/** Re-delivery of an unanswered retry when the config does not say. */
export const DEFAULT_REDELIVERY = { maxDeliveries: 3, multiplier: 2, maxIntervalMs: 3_600_000 } as const;

/** Backoff between retries when the config does not say. */
export const DEFAULT_RETRY_BACKOFF = { initialMs: 0, multiplier: 2, maxMs: 300_000 } as const;
/** How long a retry waits for the requester's respawn when the config does not say. */
export const DEFAULT_PICKUP_TIMEOUT_MS = 600_000;
