/**
 * The orchestrator's policy keys, parsed once at the edge (SEED-BEHAVIOUR §1.1) into the plain-JSON
 * {@link OrchestratorConfig} the thread workflows receive.
 *
 * Users switch from the original extension without touching their OpenClaw config, so the original's lenient
 * defaults and filters are kept exactly; keys without a "→ default" rule reject a wrong type with an
 * {@link InvalidConfigError} naming the key.
 */
import { InvalidConfigError } from '../shared/errors.ts';
import { parseGatewayId } from '../shared/config-fields.ts';
import { sanitizeLabel } from '../../workflows/orchestrator/text.ts';
import {
  DEFAULT_PICKUP_TIMEOUT_MS,
  DEFAULT_REDELIVERY,
  DEFAULT_RETRY_BACKOFF,
  OnTemporalError,
  RETRYABLE_OUTCOMES,
  ROUTER_TOOLS,
  type OrchestratorConfig,
} from '../../workflows/orchestrator/config.ts';
import { ORCHESTRATOR_PLUGIN_ID } from '../../workflows/orchestrator/contract.ts';

const DEFAULT_RETRY_OUTCOMES: readonly string[] = ['error', 'timeout'];
const DEFAULT_LABEL_PREFIX = 'thread-orchestrator';

function optionalBoolean(raw: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = raw[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidConfigError(ORCHESTRATOR_PLUGIN_ID, field, 'must be a boolean');
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
  if (extra !== undefined && !Array.isArray(extra)) throw new InvalidConfigError(ORCHESTRATOR_PLUGIN_ID, field, 'must be an array of tool names');
  const wanted = [...ROUTER_TOOLS, ...(extra ?? []).map((t: unknown) => (typeof t === 'string' ? t.trim() : ''))];
  const router: readonly string[] = ROUTER_TOOLS;
  return router.filter((tool) => wanted.includes(tool));
}

function labelPrefix(value: unknown): string {
  if (value === undefined) return DEFAULT_LABEL_PREFIX;
  if (typeof value !== 'string') throw new InvalidConfigError(ORCHESTRATOR_PLUGIN_ID, 'orchestratorLabelPrefix', 'must be a string');
  return sanitizeLabel(value) ?? DEFAULT_LABEL_PREFIX;
}

function decisionTimeout(value: unknown): number {
  if (value === undefined) return 3000;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 100 || value > 14000) {
    throw new InvalidConfigError(ORCHESTRATOR_PLUGIN_ID, 'decisionTimeoutMs', 'must be a number of milliseconds between 100 and 14000');
  }
  return Math.floor(value);
}

function onTemporalError(value: unknown): OnTemporalError {
  if (value === undefined) return OnTemporalError.Allow;
  if (value === OnTemporalError.Allow || value === OnTemporalError.Block) return value;
  throw new InvalidConfigError(ORCHESTRATOR_PLUGIN_ID, 'onTemporalError', 'must be "allow" or "block"');
}

/** The bounds of each number in a group of settings; without `max`, only the least value. */
type NumberBounds<K extends string> = Readonly<Record<K, { readonly min: number; readonly max?: number }>>;

/**
 * A group of numeric settings (`retryBackoff`, `retryRedelivery`): absent, its defaults; else an object of only its
 * keys, each a number within its bounds or absent (its default).
 */
function numberGroup<K extends string>(field: string, value: unknown, defaults: Readonly<Record<K, number>>, bounds: NumberBounds<K>): Record<K, number> {
  if (value === undefined) return { ...defaults };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidConfigError(ORCHESTRATOR_PLUGIN_ID, field, 'must be an object');
  const raw = value as Record<string, unknown>;
  const unknown = Object.keys(raw).find((k) => !Object.hasOwn(bounds, k));
  if (unknown !== undefined) throw new InvalidConfigError(ORCHESTRATOR_PLUGIN_ID, `${field}.${unknown}`, `is not a ${field} key`);
  const group: Record<K, number> = { ...defaults };
  for (const key of Object.keys(bounds) as K[]) {
    const { min, max = Number.POSITIVE_INFINITY } = bounds[key];
    const v = raw[key] ?? defaults[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new InvalidConfigError(ORCHESTRATOR_PLUGIN_ID, `${field}.${key}`, bounds[key].max === undefined ? `must be a number ≥ ${min}` : `must be a number from ${min} to ${max}`);
    }
    group[key] = v;
  }
  return group;
}

function retryBackoff(value: unknown): NonNullable<OrchestratorConfig['retryBackoff']> {
  return numberGroup('retryBackoff', value, DEFAULT_RETRY_BACKOFF, { initialMs: { min: 0 }, multiplier: { min: 1 }, maxMs: { min: 0 } });
}

function retryRedelivery(value: unknown): NonNullable<OrchestratorConfig['retryRedelivery']> {
  const bounds = { maxDeliveries: { min: 1, max: 20 }, multiplier: { min: 1, max: 10 }, maxIntervalMs: { min: 1000, max: 86_400_000 } };
  const group = numberGroup('retryRedelivery', value, DEFAULT_REDELIVERY, bounds);
  return { ...group, maxDeliveries: Math.floor(group.maxDeliveries) };
}

function positiveMs(raw: Record<string, unknown>, field: string, fallback: number): number {
  const value = raw[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1000) throw new InvalidConfigError(ORCHESTRATOR_PLUGIN_ID, field, 'must be a number of milliseconds ≥ 1000');
  return Math.floor(value);
}

/**
 * Resolves `api.pluginConfig` (anything) into an {@link OrchestratorConfig}.
 * `undefined`/`null` mean "all defaults"; unknown keys are left to the manifest schema to reject.
 * @throws InvalidConfigError when the value is not an object or a strictly typed key has a wrong value.
 */
export function parseOrchestratorConfig(input: unknown): OrchestratorConfig {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
    throw new InvalidConfigError(ORCHESTRATOR_PLUGIN_ID, '(root)', 'must be an object');
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
    gatewayId: parseGatewayId(ORCHESTRATOR_PLUGIN_ID, raw.gatewayId) ?? 'default',
    retryRedelivery: retryRedelivery(raw.retryRedelivery),
  };
}
