/**
 * The field readers every plugin's config parser uses: each returns the configured value or the default, or
 * throws {@link InvalidConfigError} naming the plugin and the field. Clamping and warnings stay with each plugin,
 * because they follow each original's own rules.
 */
import { InvalidConfigError } from './errors.ts';
import type { TemporalSettings } from './temporal-bridge.ts';
import { isGatewayId } from '../../workflows/shared/task-queues.ts';

/** The readers over one plugin's raw config object. */
export interface ConfigFields {
  /** Throws the plugin's config error for `field`. */
  fail(field: string, reason: string): never;
  bool(field: string, fallback: boolean): boolean;
  /** A non-empty string. */
  str(field: string, fallback: string): string;
  /** A non-empty string, trimmed; `undefined` when the key is absent. */
  optionalStr(field: string): string | undefined;
  /** An integer from `min` to `max`. */
  int(field: string, fallback: number, min: number, max: number): number;
  /** `gatewayId` ({@link parseGatewayId}); `undefined` when the key is absent. */
  gatewayId(): string | undefined;
  /** The connection keys every Temporal-backed plugin shares: `temporalAddress`, `temporalNamespace`, `temporalProfile`, `payloadKeyFile`. */
  temporal(): TemporalSettings;
}

/**
 * A plugin's `gatewayId` (the orchestrator's, lorene-gate's, usage-ledger's): it names task queues
 * (`openclaw-temporal-gateway/<id>`, `openclaw-temporal-ledger/<id>`), so 1–64 letters, digits, `.`, `_`, `-`.
 * `undefined` when absent; anything else throws {@link InvalidConfigError} naming `pluginId` and the key.
 */
export function parseGatewayId(pluginId: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isGatewayId(value)) throw new InvalidConfigError(pluginId, 'gatewayId', 'must be 1–64 characters of letters, digits, ".", "_" or "-"');
  return value;
}

/** Readers over `raw` for `pluginId`. */
export function configFields(pluginId: string, raw: Readonly<Record<string, unknown>>): ConfigFields {
  const fail = (field: string, reason: string): never => {
    throw new InvalidConfigError(pluginId, field, reason);
  };
  const optionalStr = (field: string): string | undefined => {
    const value = raw[field];
    if (value === undefined) return undefined;
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : fail(field, 'must be a non-empty string');
  };
  return {
    fail,
    bool(field, fallback) {
      const value = raw[field];
      if (value === undefined) return fallback;
      return typeof value === 'boolean' ? value : fail(field, `must be a boolean, got ${JSON.stringify(value)}`);
    },
    str(field, fallback) {
      return optionalStr(field) ?? fallback;
    },
    optionalStr,
    gatewayId: () => parseGatewayId(pluginId, raw.gatewayId),
    int(field, fallback, min, max) {
      const value = raw[field];
      if (value === undefined) return fallback;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        return fail(field, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
      }
      return value;
    },
    temporal() {
      const address = optionalStr('temporalAddress');
      const namespace = optionalStr('temporalNamespace');
      const profile = optionalStr('temporalProfile');
      const payloadKeyFile = optionalStr('payloadKeyFile');
      return { ...(address && { address }), ...(namespace && { namespace }), ...(profile && { profile }), ...(payloadKeyFile && { payloadKeyFile }) };
    },
  };
}
