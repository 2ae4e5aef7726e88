/**
 * lorene-gate's config, parsed once from `api.pluginConfig` (already type-checked and defaulted by the manifest
 * schema; this parser checks again so a hand-rolled host cannot slip a wrong type through).
 *
 * Drop-in: every value the original manifest accepted loads (its keys are plain `number`/`string` there, so
 * `armTtlMs: 0`, `maxUsesPerArm: 0.5`, `channel: ""` or `triggerRegex: ""` all load), and the original's clamps
 * apply — armTtlMs ≥ 15 s, missedResponseTtlMs ≥ 30 s, maxUsesPerArm floored and ≥ 1 — each reported through
 * `warn` naming the field. Only what can never work is rejected: a `triggerRegex` that does not compile.
 */
import { isAbsolute, join } from 'node:path';
import { DEFAULT_MAX_IN_FLIGHT } from '../shared/admission.ts';
import { configFields } from '../shared/config-fields.ts';
import { InvalidConfigError } from '../shared/errors.ts';
import { compileTrigger, normalizePhone } from '../../workflows/gate/text.ts';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import type { TemporalSettings } from '../shared/temporal-bridge.ts';

const PLUGIN_ID = 'lorene-gate';

export interface GateConfig {
  readonly enabled: boolean;
  readonly channel: string;
  readonly protectedTo: ReadonlySet<string>;
  readonly allowedFrom: ReadonlySet<string>;
  readonly trigger: RegExp;
  readonly armTtlMs: number;
  readonly maxUsesPerArm: number;
  readonly requireBodyAfterTrigger: boolean;
  readonly missedResponseTtlMs: number;
  readonly wrapperTargets: ReadonlySet<string>;
  readonly wrapperPrefix: string;
  readonly wrapperSuffix: string;
  /** As configured; resolved against the state dir when the service starts ({@link resolveDbPath}). */
  readonly dbPath: string | null;
  /** This gateway host (new): the gate's ledger is written by the worker serving `openclaw-temporal-ledger/<gatewayId>`. Unset: the fixed ledger queue. */
  readonly gatewayId?: string;
  readonly debug: boolean;
  readonly decisionTimeoutMs: number;
  readonly temporal: TemporalSettings;
  readonly taskQueue: string;
  /** Calls for one peer queued or in flight; one more is refused at once (fail closed). @default 8 */
  readonly maxQueuedPerPeer: number;
}

/** @default calls for one peer queued or in flight */
export const DEFAULT_MAX_QUEUED_PER_PEER = 8;

/** Minimums the original enforced by raising smaller values. */
export const MIN_ARM_TTL_MS = 15_000;
export const MIN_MISSED_RESPONSE_TTL_MS = 30_000;
/**
 * Longest arm or watchdog a durable timer can carry (100 years; the server's durations are int64 nanoseconds,
 * which end at ~292 years). The original had no maximum: an arm that long never expires there either.
 */
export const MAX_TIMER_MS = 100 * 365 * 24 * 3_600_000;

/** Receives one warning per value the parser changed or found suspicious; `field` is the config key. */
export type ConfigWarn = (field: string, message: string) => void;

type Raw = Record<string, unknown>;
const fail = (field: string, reason: string): never => {
  throw new InvalidConfigError(PLUGIN_ID, field, reason);
};

function text(raw: Raw, field: string, fallback: string): string {
  const value = raw[field];
  if (value === undefined) return fallback;
  return typeof value === 'string' ? value : fail(field, 'must be a string');
}

function num(raw: Raw, field: string, fallback: number): number {
  const value = raw[field];
  if (value === undefined) return fallback;
  return typeof value === 'number' && Number.isFinite(value) ? value : fail(field, `must be a number, got ${JSON.stringify(value)}`);
}

/** A duration with the original's minimum (raised, with a warning) and the timer maximum (lowered, likewise). */
function duration(raw: Raw, field: string, fallback: number, min: number, warn: ConfigWarn): number {
  const value = num(raw, field, fallback);
  const clamped = Math.min(MAX_TIMER_MS, Math.max(min, value));
  if (clamped !== value) warn(field, `${value} is ${value < min ? `below the minimum: raised to ${min}` : `above what a durable timer can hold: lowered to ${MAX_TIMER_MS}`}`);
  return clamped;
}

/** The original's rule, floored and at least 1; capped at the largest exact integer. */
function uses(raw: Raw, warn: ConfigWarn): number {
  const value = num(raw, 'maxUsesPerArm', 3);
  const clamped = Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, Math.floor(value)));
  if (clamped !== value) warn('maxUsesPerArm', `${value} is not a whole number of at least 1: ${clamped} is used`);
  return clamped;
}

/** Normalised phone numbers; an entry that normalises to nothing is dropped with a warning. */
function phones(raw: Raw, field: string, warn: ConfigWarn): ReadonlySet<string> {
  const value = raw[field];
  if (value === undefined) return new Set();
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return fail(field, 'must be an array of strings');
  const normalised = value.map(normalizePhone);
  if (normalised.includes('')) warn(field, 'has an empty entry: it matches no peer and is ignored');
  return new Set(normalised.filter((p) => p.length > 0));
}

/** Every key the manifest schema declares; anything else is rejected like the schema's additionalProperties. */
export const GATE_CONFIG_KEYS = [
  'enabled', 'channel', 'protectedTo', 'allowedFrom', 'triggerRegex', 'armTtlMs', 'maxUsesPerArm',
  'requireBodyAfterTrigger', 'missedResponseTtlMs', 'wrapperTargets', 'wrapperPrefix', 'wrapperSuffix', 'dbPath',
  'debug', 'decisionTimeoutMs', 'temporalAddress', 'temporalNamespace', 'temporalProfile', 'payloadKeyFile', 'taskQueue',
  'maxInFlightCalls', 'maxQueuedPerPeer', 'gatewayId',
] as const;

function bound(raw: Raw, field: string, fallback: number): number {
  const value = num(raw, field, fallback);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) fail(field, 'must be an integer from 1 to 10000');
  return value;
}

/**
 * Parses and clamps; each value changed from what was configured is reported through `warn`.
 * @throws {InvalidConfigError} naming the field: a wrong type (which the manifest schema already refuses), an
 *   unknown key, or a `triggerRegex` that does not compile.
 */
export function parseGateConfig(input: unknown, warn: ConfigWarn = () => undefined): GateConfig {
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) fail('(root)', 'must be an object');
  const raw = (input ?? {}) as Raw;
  const unknown = Object.keys(raw).find((key) => !(GATE_CONFIG_KEYS as readonly string[]).includes(key));
  if (unknown !== undefined) fail(unknown, 'is not a lorene-gate config key');
  const pattern = text(raw, 'triggerRegex', '^\\s*friday:\\s*');
  if (pattern === '') warn('triggerRegex', 'is empty: every message of an allowed sender in a protected chat is a trigger (as in the original)');
  let trigger: RegExp;
  try {
    trigger = compileTrigger(pattern);
  } catch (err) {
    return fail('triggerRegex', `is not a valid regular expression (${(err as Error).message})`);
  }
  const decisionTimeoutMs = num(raw, 'decisionTimeoutMs', 3000);
  if (!Number.isInteger(decisionTimeoutMs) || decisionTimeoutMs < 100 || decisionTimeoutMs > 14_000) {
    fail('decisionTimeoutMs', 'must be an integer from 100 to 14000 (below OpenClaw’s 15 s hook budget)');
  }
  const fields = configFields(PLUGIN_ID, raw);
  const channel = text(raw, 'channel', 'whatsapp').toLowerCase();
  if (channel === '') warn('channel', 'is empty: no channel id matches it, so the gate applies to no message (as in the original)');
  const dbPath = text(raw, 'dbPath', '');
  if (raw.dbPath !== undefined && dbPath === '') warn('dbPath', 'is empty: the default <state dir>/lorene-gate.db is used');
  const maxInFlight = bound(raw, 'maxInFlightCalls', DEFAULT_MAX_IN_FLIGHT);
  const gatewayId = fields.gatewayId();
  return {
    enabled: fields.bool('enabled', true),
    channel,
    protectedTo: phones(raw, 'protectedTo', warn),
    allowedFrom: phones(raw, 'allowedFrom', warn),
    trigger,
    armTtlMs: duration(raw, 'armTtlMs', 120_000, MIN_ARM_TTL_MS, warn),
    maxUsesPerArm: uses(raw, warn),
    requireBodyAfterTrigger: fields.bool('requireBodyAfterTrigger', true),
    missedResponseTtlMs: duration(raw, 'missedResponseTtlMs', 600_000, MIN_MISSED_RESPONSE_TTL_MS, warn),
    wrapperTargets: phones(raw, 'wrapperTargets', warn),
    wrapperPrefix: text(raw, 'wrapperPrefix', '↓↓↓ F.R.I.D.A.Y. ↓↓↓'),
    wrapperSuffix: text(raw, 'wrapperSuffix', '↑↑↑ F.R.I.D.A.Y. ↑↑↑'),
    dbPath: dbPath === '' ? null : dbPath,
    ...(gatewayId !== undefined && { gatewayId }),
    debug: fields.bool('debug', false),
    decisionTimeoutMs,
    temporal: { ...fields.temporal(), maxInFlight },
    taskQueue: fields.str('taskQueue', WORKFLOW_TASK_QUEUE),
    maxQueuedPerPeer: bound(raw, 'maxQueuedPerPeer', DEFAULT_MAX_QUEUED_PER_PEER),
  };
}

/** The ledger file: the configured path (relative ones under the state dir), else `<stateDir>/lorene-gate.db`. */
export function resolveDbPath(config: GateConfig, stateDir: string): string {
  if (config.dbPath === null) return join(stateDir, 'lorene-gate.db');
  return isAbsolute(config.dbPath) ? config.dbPath : join(stateDir, config.dbPath);
}
