/**
 * token-audit's config, parsed once in `register` from `api.pluginConfig`. Mirrors the `configSchema` of
 * openclaw.plugin.json, which the host has already enforced; parsing again gives typed values, resolves the two
 * paths the schema cannot default (they live under the state dir), and protects against a host that skipped it.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { configFields } from '../shared/config-fields.ts';
import { InvalidConfigError } from '../shared/errors.ts';

/** The plugin id, identical to the original plugin's so existing `plugins.entries.token-audit` config applies. */
export const PLUGIN_ID = 'token-audit';

/** Minimum of `largePromptChars` (the schema's `minimum`). */
export const MIN_LARGE_PROMPT_CHARS = 1000;

/** The parsed config. */
export interface TokenAuditConfig {
  /** @default true */
  readonly enabled: boolean;
  /** Absolute path of the JSONL audit file. @default `<stateDir>/logs/token-audit.jsonl`, where the original wrote it */
  readonly auditPath: string;
  /** Absolute path of the large-prompt dump. @default `<stateDir>/logs/token-audit-dump.json`, where the original wrote it */
  readonly dumpPath: string;
  /** A prompt above this many characters is warned about and dumped. @default 100000 */
  readonly largePromptChars: number;
  /** @default false */
  readonly debug: boolean;
  /**
   * Admission control (new, off by default): an agent run whose prompt (prompt + JSON of the history + system
   * prompt, as for `largePromptChars`) exceeds this many characters is blocked in `before_agent_run`. null: off.
   */
  readonly maxPromptChars: number | null;
}

const KEYS = new Set(['enabled', 'auditPath', 'dumpPath', 'largePromptChars', 'debug', 'maxPromptChars']);

/**
 * The OpenClaw state dir when the host cannot tell us (`api.runtime.state` missing): `$OPENCLAW_STATE_DIR`,
 * else `~/.openclaw`, as OpenClaw itself resolves it.
 */
export function fallbackStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.OPENCLAW_STATE_DIR?.trim() || join(homedir(), '.openclaw');
}

function path(raw: Record<string, unknown>, key: string, stateDir: string, fallback: string): string {
  const value = raw[key];
  if (value === undefined) return join(stateDir, 'logs', fallback);
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidConfigError(PLUGIN_ID, key, 'must be a non-empty string');
  const trimmed = value.trim();
  if (trimmed === '~' || trimmed.startsWith('~/')) return join(homedir(), trimmed.slice(1));
  return resolve(stateDir, trimmed);
}

/**
 * Parses `api.pluginConfig` (undefined means all defaults).
 * @throws {InvalidConfigError} naming the offending key, for unknown keys and wrongly typed or out-of-range values.
 */
export function parseTokenAuditConfig(raw: unknown, stateDir: string): TokenAuditConfig {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidConfigError(PLUGIN_ID, '<root>', 'must be an object');
  const config = raw as Record<string, unknown>;
  const fields = configFields(PLUGIN_ID, config);
  const unknown = Object.keys(config).find((key) => !KEYS.has(key));
  if (unknown !== undefined) throw new InvalidConfigError(PLUGIN_ID, unknown, 'is not a token-audit setting');
  const largePromptChars = config['largePromptChars'] ?? 100_000;
  if (typeof largePromptChars !== 'number' || !Number.isSafeInteger(largePromptChars) || largePromptChars < MIN_LARGE_PROMPT_CHARS) {
    throw new InvalidConfigError(PLUGIN_ID, 'largePromptChars', `must be an integer >= ${MIN_LARGE_PROMPT_CHARS}`);
  }
  const maxPromptChars = config['maxPromptChars'] ?? null;
  if (maxPromptChars !== null && (typeof maxPromptChars !== 'number' || !Number.isSafeInteger(maxPromptChars) || maxPromptChars < MIN_LARGE_PROMPT_CHARS)) {
    throw new InvalidConfigError(PLUGIN_ID, 'maxPromptChars', `must be an integer >= ${MIN_LARGE_PROMPT_CHARS}`);
  }
  return {
    maxPromptChars,
    enabled: fields.bool('enabled', true),
    auditPath: path(config, 'auditPath', stateDir, 'token-audit.jsonl'),
    dumpPath: path(config, 'dumpPath', stateDir, 'token-audit-dump.json'),
    largePromptChars,
    debug: fields.bool('debug', false),
  };
}
