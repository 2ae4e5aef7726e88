/**
 * Cost per usage row, from prices in USD per million tokens, the unit of OpenClaw's
 * `models.providers.<provider>.models[].cost` (`{ input, output, cacheRead, cacheWrite, tieredPricing? }`; OpenClaw
 * 2026.9.6 bills `tokens × rate / 1e6` per bucket, choosing a tier by the prompt's tokens). A price the
 * plugin's `prices` table gives for `<provider>/<model>` wins over the OpenClaw config. A bucket with tokens but
 * no price is null, and so is the total: an unknown price is never guessed.
 */

/** Rates in USD per million tokens; a missing one is unknown. */
export interface ModelPrice {
  readonly input?: number;
  readonly output?: number;
  readonly cacheRead?: number;
  readonly cacheWrite?: number;
  /** OpenClaw's tiers: `range: [fromPromptTokens, toPromptTokens?]` and the four rates. */
  readonly tieredPricing?: readonly PriceTier[];
}

export interface PriceTier {
  readonly range: readonly number[];
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

/** The cost columns of one row. */
export interface UsageCost {
  readonly costInput: number | null;
  readonly costOutput: number | null;
  readonly costCacheRead: number | null;
  readonly costCacheWrite: number | null;
  readonly costTotal: number | null;
  readonly currency: 'USD' | null;
}

/** Token counts as the ledger row holds them, and whether `input` already includes the cache reads (OpenAI, Google). */
export interface BillableCounts {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly cacheCreationInputTokens: number;
  readonly inputIncludesCacheRead: boolean;
}

/** The cost of a row whose price is unknown. */
export const NO_COST: UsageCost = { costInput: null, costOutput: null, costCacheRead: null, costCacheWrite: null, costTotal: null, currency: null };

const rate = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A price from an untrusted config value, or null when it names no rate at all. */
export function priceFrom(value: unknown): ModelPrice | null {
  if (!isRecord(value)) return null;
  const tiers = Array.isArray(value['tieredPricing'])
    ? value['tieredPricing'].filter((t): t is PriceTier => isRecord(t) && Array.isArray(t['range']) && typeof t['range'][0] === 'number'
      && ['input', 'output', 'cacheRead', 'cacheWrite'].every((k) => rate(t[k]) !== undefined))
    : [];
  const price: ModelPrice = {
    input: rate(value['input']), output: rate(value['output']), cacheRead: rate(value['cacheRead']), cacheWrite: rate(value['cacheWrite']),
    ...(tiers.length > 0 && { tieredPricing: [...tiers].sort((a, b) => (a.range[0] ?? 0) - (b.range[0] ?? 0)) }),
  };
  const known = [price.input, price.output, price.cacheRead, price.cacheWrite].some((r) => r !== undefined);
  return known || tiers.length > 0 ? price : null;
}

/** The tier for a prompt of `promptTokens`, as OpenClaw picks it; the flat rates when there are no tiers. */
function ratesFor(price: ModelPrice, promptTokens: number): ModelPrice {
  const tiers = price.tieredPricing;
  if (tiers === undefined || tiers.length === 0) return price;
  const inRange = (t: PriceTier) => promptTokens >= (t.range[0] ?? 0) && promptTokens < (typeof t.range[1] === 'number' && t.range[1] > (t.range[0] ?? 0) ? t.range[1] : Infinity);
  return tiers.find(inRange) ?? tiers.findLast((t) => promptTokens >= (t.range[0] ?? 0)) ?? tiers[0] ?? price;
}

/** The cost columns for `counts` at `price` (null: unknown price). */
export function usageCost(counts: BillableCounts, price: ModelPrice | null): UsageCost {
  if (price === null) return NO_COST;
  const cacheRead = counts.cacheReadInputTokens;
  const input = counts.inputIncludesCacheRead ? Math.max(0, counts.inputTokens - cacheRead) : counts.inputTokens;
  const rates = ratesFor(price, input + cacheRead + counts.cacheCreationInputTokens);
  const bucket = (tokens: number, perMillion: number | undefined): number | null =>
    tokens === 0 ? 0 : perMillion === undefined ? null : (tokens * perMillion) / 1e6;
  const costInput = bucket(input, rates.input);
  const costOutput = bucket(counts.outputTokens, rates.output);
  const costCacheRead = bucket(cacheRead, rates.cacheRead);
  const costCacheWrite = bucket(counts.cacheCreationInputTokens, rates.cacheWrite);
  const parts = [costInput, costOutput, costCacheRead, costCacheWrite];
  const costTotal = parts.every((p) => p !== null) ? parts.reduce<number>((sum, p) => sum + (p ?? 0), 0) : null;
  return { costInput, costOutput, costCacheRead, costCacheWrite, costTotal, currency: 'USD' };
}

/**
 * Finds the price of `<provider>/<model>`: the plugin's `prices` table first, then the OpenClaw config's
 * `models.providers[provider].models[]` entry whose `id` is the model. Null when neither has one.
 */
export function createPriceLookup(table: Readonly<Record<string, ModelPrice>>, openclawConfig: unknown): (provider: string | null, model: string | null) => ModelPrice | null {
  return (provider, model) => {
    if (provider === null || model === null) return null;
    const own = table[`${provider}/${model}`];
    if (own !== undefined) return own;
    const providers = isRecord(openclawConfig) && isRecord(openclawConfig['models']) ? openclawConfig['models']['providers'] : undefined;
    const models = isRecord(providers) && isRecord(providers[provider]) ? providers[provider]['models'] : undefined;
    const entry = Array.isArray(models) ? models.find((m: unknown) => isRecord(m) && m['id'] === model) : undefined;
    return isRecord(entry) ? priceFrom(entry['cost']) : null;
  };
}
