/**
 * usage-ledger extraction against the original's rules (reference/original-extensions.txt, usage-ledger): the
 * original's `extractUsage` is rebuilt here from the facts of that source — which fields it reads, in which
 * order, when it writes no row, how it stores latency — and ours must agree on every payload below. Plus the
 * event ids: two different outputs of one run never share one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { safeJson } from '../../plugin-bridge/usage-ledger/raw-json.ts';
import { usageRecordOf } from '../../plugin-bridge/usage-ledger/record.ts';

type Row = { inputTokens: number; outputTokens: number; totalTokens: number; cacheCreationInputTokens: number; cacheReadInputTokens: number; latencyMs: number | null };

/** The original's rule, from the reference: the first usage container, a `??` chain per count, a row only when a count is > 0. */
function original(payload: Record<string, unknown>): Row | null {
  const num = (value: unknown, fallback = 0): number => {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string' && Number.isFinite(Number(value))) return Number(value);
    return fallback;
  };
  const u = (payload.usage ?? payload.tokenUsage ?? payload.metrics ?? payload.usageMetadata) as Record<string, unknown> | undefined;
  const input = num(u?.input ?? u?.input_tokens ?? u?.inputTokens ?? u?.prompt_tokens ?? u?.promptTokenCount ?? u?.inputTokenCount ?? payload.inputTokens);
  const output = num(u?.output ?? u?.output_tokens ?? u?.outputTokens ?? u?.completion_tokens ?? u?.candidatesTokenCount ?? u?.outputTokenCount ?? payload.outputTokens);
  const total = num(u?.total ?? u?.total_tokens ?? u?.totalTokens ?? u?.totalTokenCount, input + output);
  const cacheWrite = num(u?.cacheWrite ?? u?.cache_creation_input_tokens ?? u?.cacheCreationInputTokens);
  const cacheRead = num(u?.cacheRead ?? u?.cache_read_input_tokens ?? u?.cacheReadInputTokens);
  if (!(input > 0 || output > 0 || total > 0 || cacheWrite > 0 || cacheRead > 0)) return null;
  const latencyMs = num(payload.latencyMs ?? payload.durationMs, Number.NaN) || null;
  return { inputTokens: input, outputTokens: output, totalTokens: total, cacheCreationInputTokens: cacheWrite, cacheReadInputTokens: cacheRead, latencyMs };
}

const cases: Record<string, Record<string, unknown>> = {
  'all-zero usage': { runId: 'r', usage: { input: 0, output: 0, total: 0, cacheRead: 0, cacheWrite: 0 } },
  'all-zero OpenAI usage': { runId: 'r', usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } },
  'an empty usage object': { runId: 'r', usage: {} },
  'no usage at all': { runId: 'r', model: 'm' },
  'top-level inputTokens/outputTokens': { runId: 'r', inputTokens: 12, outputTokens: 3 },
  'top-level counts as strings': { runId: 'r', inputTokens: '12', outputTokens: '0' },
  'a usage container without counts, counts at the top level': { runId: 'r', usage: { model: 'x' }, inputTokens: 5 },
  'only a total': { runId: 'r', usage: { total: 9 } },
  'only cache reads': { runId: 'r', usage: { cacheRead: 4 } },
  'latency 0': { runId: 'r', usage: { input: 1, output: 1 }, latencyMs: 0 },
  'durationMs 0': { runId: 'r', usage: { input: 1, output: 1 }, durationMs: 0 },
  'latency 250': { runId: 'r', usage: { input: 1, output: 1 }, latencyMs: 250 },
  'durationMs 80': { runId: 'r', usage: { input: 1, output: 1 }, durationMs: 80 },
  'Anthropic usage': { requestId: 'q', usage: { input_tokens: 10, output_tokens: 2, cache_creation_input_tokens: 3, cache_read_input_tokens: 4 } },
  'Google usageMetadata': { traceId: 't', usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 1, totalTokenCount: 8 } },
};

for (const [name, payload] of Object.entries(cases)) {
  test(`as the original: ${name}`, () => {
    const ours = extractUsage(payload, 'llm_output', { now: 1 });
    const theirs = original(payload);
    if (theirs === null) return assert.equal(ours, null, 'no row');
    assert.ok(ours !== null, 'a row');
    const { inputTokens, outputTokens, totalTokens, cacheCreationInputTokens, cacheReadInputTokens, latencyMs } = ours;
    assert.deepEqual({ inputTokens, outputTokens, totalTokens, cacheCreationInputTokens, cacheReadInputTokens, latencyMs }, theirs);
  });
}

test('a latency of 0 from model_call_ended is stored as NULL too', () => {
  const event = { runId: 'r', usage: { input: 1, output: 1 } };
  assert.equal(usageRecordOf(event, {}, { calls: 1, durationMs: 0, failed: false }, 1)?.record.latencyMs, null);
  assert.equal(usageRecordOf(event, {}, { calls: 1, durationMs: 35, failed: false }, 1)?.record.latencyMs, 35);
});

test('two different outputs of one run with equal usage never share an event id, even when they differ only past raw_json’s cut', () => {
  const text = 'a'.repeat(5000);
  const first = { runId: 'run-1', usage: { input: 10, output: 5 }, assistantTexts: [`${text}-one`] };
  const second = { runId: 'run-1', usage: { input: 10, output: 5 }, assistantTexts: [`${text}-two`] };
  assert.equal(safeJson(first), safeJson(second), 'raw_json keeps only the beginning of the texts: it cannot tell them apart');
  const id = (payload: unknown) => usageRecordOf(payload, {}, null, 1)?.record.eventId;
  assert.notEqual(id(first), id(second));
  assert.equal(id(first), id(structuredClone(first)), 'the same output delivered twice keeps one id');
  const wide = (last: number) => ({ runId: 'run-1', usage: { input: 1 }, meta: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i === 299 ? last : 0])) });
  assert.notEqual(id(wide(1)), id(wide(2)), 'a difference in the 300th key counts');
  let deep: Record<string, unknown> = { leaf: 1 };
  let deeper: Record<string, unknown> = { leaf: 2 };
  for (let i = 0; i < 10_000; i++) [deep, deeper] = [{ next: deep }, { next: deeper }];
  assert.notEqual(id({ runId: 'run-1', usage: { input: 1 }, deep }), id({ runId: 'run-1', usage: { input: 1 }, deep: deeper }), 'and one 10 000 levels down');
  const cyclic: Record<string, unknown> = { runId: 'run-1', usage: { input: 1 } };
  cyclic.self = cyclic;
  assert.match(id(cyclic) ?? '', /^llm_output:run-1:p[0-9a-f]{32}$/);
});
