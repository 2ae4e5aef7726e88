/**
 * lorene-gate's config, parsed once from `api.pluginConfig` (already validated and defaulted by the manifest
 * schema; this parser checks again so a hand-rolled host or a bad default cannot slip through) with the
 * original's clamps: armTtlMs ≥ 15 s, missedResponseTtlMs ≥ 30 s, maxUsesPerArm floored and ≥ 1.
 */
import { isAbsolute, join } from 'node:path';
import { InvalidConfigError } from '../shared/errors.ts';
import { compileTrigger, normalizePhone } from '../../workflows/gate/text.ts';
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
  readonly debug: boolean;
  readonly decisionTimeoutMs: number;
  readonly temporal: TemporalSettings;
  readonly taskQueue: string;
}

/** Minimums the original enforced by raising smaller values. */
export const MIN_ARM_TTL_MS = 15_000;
export const MIN_MISSED_RESPONSE_TTL_MS = 30_000;

type Raw = Record<string, unknown>;
const fail = (field: string, reason: string): never => {
  throw new InvalidConfigError(PLUGIN_ID, field, reason);
};

function bool(raw: Raw, field: string, fallback: boolean): boolean {
  const value = raw[field];
  if (value === undefined) return fallback;
  return typeof value === 'boolean' ? value : fail(field, `must be a boolean, got ${JSON.stringify(value)}`);
}

function str(raw: Raw, field: string, fallback: string): string {
  const value = raw[field];
  if (value === undefined) return fallback;
  return typeof value === 'string' && value.length > 0 ? value : fail(field, 'must be a non-empty string');
}

function text(raw: Raw, field: string, fallback: string): string {
  const value = raw[field];
  if (value === undefined) return fallback;
  return typeof value === 'string' ? value : fail(field, 'must be a string');
}

function optionalStr(raw: Raw, field: string): string | undefined {
  return raw[field] === undefined ? undefined : str(raw, field, '');
}

function num(raw: Raw, field: string, fallback: number): number {
  const value = raw[field];
  if (value === undefined) return fallback;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fail(field, `must be a positive number, got ${JSON.stringify(value)}`);
}

function phones(raw: Raw, field: string): ReadonlySet<string> {
  const value = raw[field];
  if (value === undefined) return new Set();
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return fail(field, 'must be an array of strings');
  return new Set(value.map(normalizePhone).filter((p) => p.length > 0));
}

/** Every key the manifest schema declares; anything else is rejected like the schema's additionalProperties. */
export const GATE_CONFIG_KEYS = [
  'enabled', 'channel', 'protectedTo', 'allowedFrom', 'triggerRegex', 'armTtlMs', 'maxUsesPerArm',
  'requireBodyAfterTrigger', 'missedResponseTtlMs', 'wrapperTargets', 'wrapperPrefix', 'wrapperSuffix', 'dbPath',
  'debug', 'decisionTimeoutMs', 'temporalAddress', 'temporalNamespace', 'temporalProfile', 'payloadKeyFile', 'taskQueue',
] as const;

/** Parses and clamps; throws {@link InvalidConfigError} naming the field. */
export function parseGateConfig(input: unknown): GateConfig {
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) fail('(root)', 'must be an object');
  const raw = (input ?? {}) as Raw;
  const unknown = Object.keys(raw).find((key) => !(GATE_CONFIG_KEYS as readonly string[]).includes(key));
  if (unknown !== undefined) fail(unknown, 'is not a lorene-gate config key');
  const pattern = str(raw, 'triggerRegex', '^\\s*friday:\\s*');
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
  const address = optionalStr(raw, 'temporalAddress');
  const namespace = optionalStr(raw, 'temporalNamespace');
  const profile = optionalStr(raw, 'temporalProfile');
  const payloadKeyFile = optionalStr(raw, 'payloadKeyFile');
  return {
    enabled: bool(raw, 'enabled', true),
    channel: str(raw, 'channel', 'whatsapp').toLowerCase(),
    protectedTo: phones(raw, 'protectedTo'),
    allowedFrom: phones(raw, 'allowedFrom'),
    trigger,
    armTtlMs: Math.max(MIN_ARM_TTL_MS, num(raw, 'armTtlMs', 120_000)),
    maxUsesPerArm: Math.max(1, Math.floor(num(raw, 'maxUsesPerArm', 3))),
    requireBodyAfterTrigger: bool(raw, 'requireBodyAfterTrigger', true),
    missedResponseTtlMs: Math.max(MIN_MISSED_RESPONSE_TTL_MS, num(raw, 'missedResponseTtlMs', 600_000)),
    wrapperTargets: phones(raw, 'wrapperTargets'),
    wrapperPrefix: text(raw, 'wrapperPrefix', '↓↓↓ F.R.I.D.A.Y. ↓↓↓'),
    wrapperSuffix: text(raw, 'wrapperSuffix', '↑↑↑ F.R.I.D.A.Y. ↑↑↑'),
    dbPath: optionalStr(raw, 'dbPath') ?? null,
    debug: bool(raw, 'debug', false),
    decisionTimeoutMs,
    temporal: { ...(address && { address }), ...(namespace && { namespace }), ...(profile && { profile }), ...(payloadKeyFile && { payloadKeyFile }) },
    taskQueue: str(raw, 'taskQueue', 'openclaw-temporal'),
  };
}

/** The ledger file: the configured path (relative ones under the state dir), else `<stateDir>/lorene-gate.db`. */
export function resolveDbPath(config: GateConfig, stateDir: string): string {
  if (config.dbPath === null) return join(stateDir, 'lorene-gate.db');
  return isAbsolute(config.dbPath) ? config.dbPath : join(stateDir, config.dbPath);
}
