/**
 * `llm_output` → one usage record for the agent's ledger (pure). The event id is derived from the payload alone
 * (hook, run id, a fingerprint of the whole payload), so a hook the host fires twice with the same payload yields
 * the same id and counts once, while two outputs of one run that differ anywhere (usage, or texts — even past the
 * part `raw_json` keeps) stay two rows. Latency and outcome come from the run's `model_call_ended` calls and are
 * applied after the id, so they never change it; a latency of 0 is stored as NULL, as the original stored it.
 */
import { usageLedgerIdOf } from '../../workflows/usage/contract.ts';
import { usageCost, type ModelPrice } from './cost.ts';
import { extractUsage, inputIncludesCacheRead, latencyOf } from './extract.ts';
import { type UsageRecord } from '../../workflows/usage/usage-record.ts';
import type { CallSummary } from './correlate.ts';

/** The hook name stored in `source_event`. */
export const LLM_OUTPUT = 'llm_output';

/** A record and the ledger (agent) it belongs to. */
export interface LedgerRecord {
  readonly ledgerId: string;
  readonly record: UsageRecord;
}

function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return Reflect.get(value, key);
  } catch {
    return undefined; // a throwing getter reads as "absent"
  }
}

/**
 * The record for an `llm_output` event, or null when it reports no token counts (no row is written). `calls`
 * is what the correlator knows about the run's model calls. Never throws.
 */
export function usageRecordOf(event: unknown, ctx: unknown, calls: CallSummary | null, now: number): LedgerRecord | null {
  const record = extractUsage(event, LLM_OUTPUT, { now });
  if (record === null) return null;
  const ledgerId = usageLedgerIdOf(field(ctx, 'agentId'));
  if (calls === null) return { ledgerId, record };
  return { ledgerId, record: { ...record, latencyMs: latencyOf(calls.durationMs), success: calls.failed ? 0 : record.success } };
}

/**
 * The record with what budgets added: the agent (`ctx.agentId`, null when the host named none), the session key
 * (for budgets by session key pattern), the run id (for traces) and the cost at the price `priceOf` finds for its provider and model (all
 * null when there is none).
 */
export function withAgentAndCost(record: UsageRecord, event: unknown, ctx: unknown, priceOf: (provider: string | null, model: string | null) => ModelPrice | null): UsageRecord {
  const text = (key: string) => {
    const value = field(ctx, key);
    return typeof value === 'string' && value !== '' ? value.slice(0, 256) : null;
  };
  const cost = usageCost({ ...record, inputIncludesCacheRead: inputIncludesCacheRead(event) }, priceOf(record.provider, record.model));
  return { ...record, agentId: text('agentId'), sessionKey: text('sessionKey'), runId: runIdOf(event, ctx), ...cost };
}

/** The run id to correlate an `llm_output` with its model calls: the event's, else the context's. */
export function runIdOf(event: unknown, ctx: unknown): string | null {
  const id = field(event, 'runId') ?? field(ctx, 'runId');
  return typeof id === 'string' && id !== '' ? id : null;
}
