/**
 * Turns whatever an LLM hook hands us into one `llm_usage_events` row (SEED-BEHAVIOUR §4). Pure and total:
 * hook payloads are untrusted shapes from many providers, and an observer must never throw into the gateway,
 * so every read is guarded and malformed input yields `null` or a partial record instead of an exception.
 * The original's rules carry over: all-zero usage writes no row, top-level `inputTokens`/`outputTokens` count,
 * and a latency of 0 is stored as NULL.
 */
import { payloadFingerprint } from './fingerprint.ts';
import { safeJson } from './raw-json.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';

/** What the caller knows that the payload does not. */
export interface ExtractOptions {
  /** The event id; defaults to one derived from source, request id and call id (or the whole payload's fingerprint). */
  readonly eventId?: string;
  /** Observation time (epoch ms) for `ts`. Kept out of the payload so the function stays pure. @default 0 */
  readonly now?: number;
}

/** Containers that hold token counts, in the order they are tried (first at top level, then under `response`). */
const CONTAINERS = ['usage', 'tokenUsage', 'metrics', 'usageMetadata'] as const;

/** Field names per count across OpenClaw, camelCase, OpenAI, Anthropic, Google and Bedrock styles. */
const COUNT_FIELDS = {
  input: ['input', 'inputTokens', 'input_tokens', 'prompt_tokens', 'promptTokens', 'promptTokenCount', 'inputTokenCount'],
  output: ['output', 'outputTokens', 'output_tokens', 'completion_tokens', 'completionTokens', 'candidatesTokenCount', 'outputTokenCount'],
  total: ['total', 'totalTokens', 'total_tokens', 'totalTokenCount'],
  cacheWrite: ['cacheWrite', 'cacheCreationInputTokens', 'cache_creation_input_tokens', 'cacheWriteInputTokens', 'cacheWriteInputTokenCount'],
  cacheRead: ['cacheRead', 'cacheReadInputTokens', 'cache_read_input_tokens', 'cachedContentTokenCount', 'cacheReadInputTokenCount'],
} as const;

/** OpenAI reports cached prompt tokens one level down. */
const NESTED_CACHE_READ = ['prompt_tokens_details', 'input_tokens_details'] as const;

type Counts = Partial<Record<keyof typeof COUNT_FIELDS, number>>;

function get(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return Reflect.get(value, key);
  } catch {
    return undefined; // a throwing getter or proxy trap reads as "absent"
  }
}

/** A non-negative count from a number or a short numeric string ("123"), truncated to an integer; NaN, ∞ and absurd values are absent. */
export function toCount(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.length <= 32 && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && n >= 0 && n <= Number.MAX_SAFE_INTEGER ? Math.trunc(n) : undefined;
}

function readCounts(container: unknown): Counts | undefined {
  const counts: Counts = {};
  for (const [name, fields] of Object.entries(COUNT_FIELDS) as [keyof Counts, readonly string[]][]) {
    const found = fields.map((f) => toCount(get(container, f))).find((n) => n !== undefined);
    if (found !== undefined) counts[name] = found;
  }
  const cached = NESTED_CACHE_READ.map((d) => toCount(get(get(container, d), 'cached_tokens'))).find((n) => n !== undefined);
  if (counts.cacheRead === undefined && cached !== undefined) counts.cacheRead = cached;
  return Object.keys(counts).length > 0 ? counts : undefined;
}

function firstString(roots: readonly unknown[], keys: readonly string[]): string | null {
  for (const root of roots) {
    for (const key of keys) {
      const v = get(root, key);
      if (typeof v === 'string' && v.trim() !== '') return v.trim().slice(0, 256);
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    }
  }
  return null;
}

function hasError(roots: readonly unknown[]): boolean {
  return roots.some((r) => {
    const error = get(r, 'error') ?? get(r, 'errorMessage');
    const reported = error !== undefined && error !== null && error !== false && error !== '';
    return reported || get(r, 'isError') === true || get(r, 'success') === false || get(r, 'outcome') === 'error';
  });
}

/**
 * A stable event id from the hook name, the run and a per-run discriminator (a model call id or a sequence
 * number). Components are URI-encoded so `a:b` + `c` can never collide with `a` + `b:c`.
 */
export function usageEventId(source: string, runId: string, callIdOrSequence: string | number): string {
  return [source, runId, String(callIdOrSequence)].map(encodeURIComponent).join(':');
}

/**
 * Whether the payload's input count already includes its cache reads: OpenAI (`prompt_tokens_details.cached_tokens`,
 * `input_tokens_details.cached_tokens`) and Google (`cachedContentTokenCount` inside `promptTokenCount`) report it
 * that way; OpenClaw's normalised usage and Anthropic count cache reads separately. Decides what input is billed.
 */
export function inputIncludesCacheRead(payload: unknown): boolean {
  const response = get(payload, 'response');
  const container = [payload, response].flatMap((root) => CONTAINERS.map((key) => get(root, key))).find((c) => readCounts(c) !== undefined);
  if (container === undefined) return false;
  const separate = COUNT_FIELDS.cacheRead.filter((f) => f !== 'cachedContentTokenCount');
  if (separate.some((f) => toCount(get(container, f)) !== undefined)) return false;
  return toCount(get(container, 'cachedContentTokenCount')) !== undefined
    || NESTED_CACHE_READ.some((d) => toCount(get(get(container, d), 'cached_tokens')) !== undefined);
}

/** A latency in whole milliseconds; 0 means "not measured" (the original stored it as NULL), as does a missing one. */
export function latencyOf(value: number | undefined | null): number | null {
  return value === undefined || value === null || value === 0 ? null : value;
}

/**
 * The usage row for one hook payload, or `null` when it reports no token usage: no counts at all, or every
 * count 0 (the original wrote a row only when a count was > 0). Never throws.
 */
export function extractUsage(payload: unknown, source: string, options: ExtractOptions = {}): UsageRecord | null {
  const response = get(payload, 'response');
  const containers = [payload, response].flatMap((root) => CONTAINERS.map((key) => get(root, key)));
  const found = containers.map(readCounts).find((c) => c !== undefined) ?? {};
  // The original's last fallback: top-level inputTokens / outputTokens.
  const counts: Counts = { ...found, input: found.input ?? toCount(get(payload, 'inputTokens')), output: found.output ?? toCount(get(payload, 'outputTokens')) };
  if (!Object.values(counts).some((n) => n !== undefined && n > 0)) return null;

  const inputTokens = counts.input ?? 0;
  const outputTokens = counts.output ?? 0;
  const requestId = firstString([payload], ['requestId', 'traceId', 'runId', 'sessionId']) ?? firstString([response], ['id']);
  const latencyRoots = [payload, get(payload, 'metrics'), response, get(response, 'metrics')];
  const latencyMs = latencyRoots.flatMap((r) => [get(r, 'latencyMs'), get(r, 'durationMs')]).map(toCount).find((n) => n !== undefined);
  const rawJson = safeJson(payload);
  const callId = firstString([payload], ['callId']) ?? `p${payloadFingerprint(payload)}`;
  const now = options.now;
  return {
    eventId: options.eventId ?? usageEventId(source, requestId ?? '', callId),
    ts: typeof now === 'number' && Number.isFinite(now) ? now : 0,
    requestId,
    model: firstString([payload, response], ['model', 'modelId']),
    provider: firstString([payload, response], ['provider', 'modelProviderId']),
    inputTokens,
    outputTokens,
    totalTokens: counts.total ?? inputTokens + outputTokens,
    cacheCreationInputTokens: counts.cacheWrite ?? 0,
    cacheReadInputTokens: counts.cacheRead ?? 0,
    latencyMs: latencyOf(latencyMs),
    success: hasError([payload, response]) ? 0 : 1,
    sourceEvent: source,
    rawJson,
  };
}
