/**
 * The readers of lorene-gate's config values and the original's clamps: each reader checks a field's type
 * (throwing {@link InvalidConfigError} naming it) and reports through `warn` every value it changed.
 */
import { InvalidConfigError } from '../shared/errors.ts';
import { normalizePhone } from '../../workflows/gate/text.ts';

const PLUGIN_ID = 'lorene-gate';

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

/** The plugin config as given. */
export type Raw = Record<string, unknown>;

/** Throws the {@link InvalidConfigError} naming `field`. */
export const fail = (field: string, reason: string): never => {
  throw new InvalidConfigError(PLUGIN_ID, field, reason);
};

/** A string field, `fallback` when unset. */
export function text(raw: Raw, field: string, fallback: string): string {
  const value = raw[field];
  if (value === undefined) return fallback;
  return typeof value === 'string' ? value : fail(field, 'must be a string');
}

/** A finite number field, `fallback` when unset. */
export function num(raw: Raw, field: string, fallback: number): number {
  const value = raw[field];
  if (value === undefined) return fallback;
  return typeof value === 'number' && Number.isFinite(value) ? value : fail(field, `must be a number, got ${JSON.stringify(value)}`);
}

/** A duration with the original's minimum (raised, with a warning) and the timer maximum (lowered, likewise). */
export function duration(raw: Raw, field: string, fallback: number, min: number, warn: ConfigWarn): number {
  const value = num(raw, field, fallback);
  const clamped = Math.min(MAX_TIMER_MS, Math.max(min, value));
  if (clamped !== value) warn(field, `${value} is ${value < min ? `below the minimum: raised to ${min}` : `above what a durable timer can hold: lowered to ${MAX_TIMER_MS}`}`);
  return clamped;
}

/** The original's rule, floored and at least 1; capped at the largest exact integer. */
export function uses(raw: Raw, warn: ConfigWarn): number {
  const value = num(raw, 'maxUsesPerArm', 3);
  const clamped = Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, Math.floor(value)));
  if (clamped !== value) warn('maxUsesPerArm', `${value} is not a whole number of at least 1: ${clamped} is used`);
  return clamped;
}

/** Normalised phone numbers; an entry that normalises to nothing is dropped with a warning. */
export function phones(raw: Raw, field: string, warn: ConfigWarn): ReadonlySet<string> {
  const value = raw[field];
  if (value === undefined) return new Set();
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return fail(field, 'must be an array of strings');
  const normalised = value.map(normalizePhone);
  if (normalised.includes('')) warn(field, 'has an empty entry: it matches no peer and is ignored');
  return new Set(normalised.filter((p) => p.length > 0));
}

/** An integer from 1 to 10000 (a bound on calls). */
export function bound(raw: Raw, field: string, fallback: number): number {
  const value = num(raw, field, fallback);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) fail(field, 'must be an integer from 1 to 10000');
  return value;
}
