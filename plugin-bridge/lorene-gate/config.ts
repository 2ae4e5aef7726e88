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
import { compileTrigger } from '../../workflows/gate/text.ts';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import type { TemporalSettings } from '../shared/temporal-bridge.ts';
import { bound, duration, fail, MIN_ARM_TTL_MS, MIN_MISSED_RESPONSE_TTL_MS, num, phones, text, uses, type ConfigWarn, type Raw } from './config-values.ts';

export { MAX_TIMER_MS, MIN_ARM_TTL_MS, MIN_MISSED_RESPONSE_TTL_MS, type ConfigWarn } from './config-values.ts';

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

/** Every key the manifest schema declares; anything else is rejected like the schema's additionalProperties. */
export const GATE_CONFIG_KEYS = [
  'enabled', 'channel', 'protectedTo', 'allowedFrom', 'triggerRegex', 'armTtlMs', 'maxUsesPerArm',
  'requireBodyAfterTrigger', 'missedResponseTtlMs', 'wrapperTargets', 'wrapperPrefix', 'wrapperSuffix', 'dbPath',
  'debug', 'decisionTimeoutMs', 'temporalAddress', 'temporalNamespace', 'temporalProfile', 'payloadKeyFile', 'taskQueue',
  'maxInFlightCalls', 'maxQueuedPerPeer', 'gatewayId',
] as const;

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
