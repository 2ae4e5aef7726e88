/**
 * The orchestrator plugin's configuration, parsed once at the edge (SEED-BEHAVIOUR §1.1).
 *
 * Users switch from the original extension without touching their OpenClaw config, so the original's
 * lenient defaults and filters are kept exactly; keys without a "→ default" rule reject a wrong type with an
 * {@link InvalidConfigError} naming the key. The result is plain JSON, so it can travel into workflows.
 */
import { sanitizeLabel } from './text.ts';

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

const DEFAULT_REDELIVERY = { maxDeliveries: 3, multiplier: 2, maxIntervalMs: 3_600_000 } as const;

const DEFAULT_RETRY_BACKOFF = { initialMs: 0, multiplier: 2, maxMs: 300_000 } as const;
const DEFAULT_PICKUP_TIMEOUT_MS = 600_000;

/** A config key holds a value of the wrong type or out of range; `field` names the key. */
export class InvalidConfigError extends Error {
  override name = 'InvalidConfigError' as const;
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`orchestrator config: "${field}" ${reason}`);
  }
}

const DEFAULT_RETRY_OUTCOMES: readonly string[] = ['error', 'timeout'];
const DEFAULT_LABEL_PREFIX = 'thread-orchestrator';

function optionalBoolean(raw: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = raw[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidConfigError(field, 'must be a boolean');
  return value;
}

function maxRetries(value: unknown): number {
  if (typeof value !== 'number' || !(value > 0)) return 2;
  return Math.min(5, Math.max(1, Math.floor(value)));
}

function retryOutcomes(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return DEFAULT_RETRY_OUTCOMES;
  const allowed: readonly string[] = RETRYABLE_OUTCOMES;
  const kept: string[] = [];
  for (const entry of value) {
    const outcome = typeof entry === 'string' ? entry.trim().toLowerCase() : '';
    if (allowed.includes(outcome) && !kept.includes(outcome)) kept.push(outcome);
  }
  return kept.length > 0 ? kept : DEFAULT_RETRY_OUTCOMES;
}

function allowList(raw: Record<string, unknown>, field: string): readonly string[] {
  const extra = raw[field];
  if (extra !== undefined && !Array.isArray(extra)) throw new InvalidConfigError(field, 'must be an array of tool names');
  const wanted = [...ROUTER_TOOLS, ...(extra ?? []).map((t: unknown) => (typeof t === 'string' ? t.trim() : ''))];
  const router: readonly string[] = ROUTER_TOOLS;
  return router.filter((tool) => wanted.includes(tool));
}

function labelPrefix(value: unknown): string {
  if (value === undefined) return DEFAULT_LABEL_PREFIX;
  if (typeof value !== 'string') throw new InvalidConfigError('orchestratorLabelPrefix', 'must be a string');
  return sanitizeLabel(value) ?? DEFAULT_LABEL_PREFIX;
}

function decisionTimeout(value: unknown): number {
  if (value === undefined) return 3000;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 100 || value > 14000) {
    throw new InvalidConfigError('decisionTimeoutMs', 'must be a number of milliseconds between 100 and 14000');
  }
  return Math.floor(value);
}

function onTemporalError(value: unknown): OnTemporalError {
  if (value === undefined) return OnTemporalError.Allow;
  if (value === OnTemporalError.Allow || value === OnTemporalError.Block) return value;
  throw new InvalidConfigError('onTemporalError', 'must be "allow" or "block"');
}

function retryBackoff(value: unknown): NonNullable<OrchestratorConfig['retryBackoff']> {
  if (value === undefined) return DEFAULT_RETRY_BACKOFF;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidConfigError('retryBackoff', 'must be an object');
  const raw = value as Record<string, unknown>;
  const unknown = Object.keys(raw).find((k) => !['initialMs', 'multiplier', 'maxMs'].includes(k));
  if (unknown !== undefined) throw new InvalidConfigError(`retryBackoff.${unknown}`, 'is not a retryBackoff key');
  const number = (key: 'initialMs' | 'multiplier' | 'maxMs', min: number): number => {
    const v = raw[key] ?? DEFAULT_RETRY_BACKOFF[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new InvalidConfigError(`retryBackoff.${key}`, `must be a number ≥ ${min}`);
    return v;
  };
  return { initialMs: number('initialMs', 0), multiplier: number('multiplier', 1), maxMs: number('maxMs', 0) };
}

function retryRedelivery(value: unknown): NonNullable<OrchestratorConfig['retryRedelivery']> {
  if (value === undefined) return DEFAULT_REDELIVERY;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidConfigError('retryRedelivery', 'must be an object');
  const raw = value as Record<string, unknown>;
  const unknown = Object.keys(raw).find((k) => !['maxDeliveries', 'multiplier', 'maxIntervalMs'].includes(k));
  if (unknown !== undefined) throw new InvalidConfigError(`retryRedelivery.${unknown}`, 'is not a retryRedelivery key');
  const number = (key: 'maxDeliveries' | 'multiplier' | 'maxIntervalMs', min: number, max: number): number => {
    const v = raw[key] ?? DEFAULT_REDELIVERY[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new InvalidConfigError(`retryRedelivery.${key}`, `must be a number from ${min} to ${max}`);
    return v;
  };
  return { maxDeliveries: Math.floor(number('maxDeliveries', 1, 20)), multiplier: number('multiplier', 1, 10), maxIntervalMs: number('maxIntervalMs', 1000, 86_400_000) };
}

function positiveMs(raw: Record<string, unknown>, field: string, fallback: number): number {
  const value = raw[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1000) throw new InvalidConfigError(field, 'must be a number of milliseconds ≥ 1000');
  return Math.floor(value);
}

function gatewayId(value: unknown): string {
  if (value === undefined) return 'default';
  if (typeof value !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(value)) throw new InvalidConfigError('gatewayId', 'must be 1–64 characters of letters, digits, ".", "_" or "-"');
  return value;
}

/**
 * Resolves `api.pluginConfig` (anything) into an {@link OrchestratorConfig}.
 * `undefined`/`null` mean "all defaults"; unknown keys are left to the manifest schema to reject.
 * @throws InvalidConfigError when the value is not an object or a strictly typed key has a wrong value.
 */
export function parseOrchestratorConfig(input: unknown): OrchestratorConfig {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
    throw new InvalidConfigError('(root)', 'must be an object');
  }
  const raw: Record<string, unknown> = (input ?? {}) as Record<string, unknown>;
  return {
    injectOrchestratorPrompt: typeof raw.injectOrchestratorPrompt === 'boolean' ? raw.injectOrchestratorPrompt : true,
    enforceMainDelegation: optionalBoolean(raw, 'enforceMainDelegation', false),
    autoRetryFailedSubagents: optionalBoolean(raw, 'autoRetryFailedSubagents', true),
    maxRetriesPerTask: maxRetries(raw.maxRetriesPerTask),
    retryOutcomes: retryOutcomes(raw.retryOutcomes),
    allowedMainTools: allowList(raw, 'allowedMainTools'),
    allowedOrchestratorTools: allowList(raw, 'allowedOrchestratorTools'),
    orchestratorLabelPrefix: labelPrefix(raw.orchestratorLabelPrefix),
    decisionTimeoutMs: decisionTimeout(raw.decisionTimeoutMs),
    onTemporalError: onTemporalError(raw.onTemporalError),
    retryBackoff: retryBackoff(raw.retryBackoff),
    retryPickupTimeoutMs: positiveMs(raw, 'retryPickupTimeoutMs', DEFAULT_PICKUP_TIMEOUT_MS),
    notifyRequesterOnExhausted: optionalBoolean(raw, 'notifyRequesterOnExhausted', false),
    gatewayId: gatewayId(raw.gatewayId),
    retryRedelivery: retryRedelivery(raw.retryRedelivery),
  };
}
