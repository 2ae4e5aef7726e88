import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { extractUsage, usageEventId } from '../../plugin-bridge/usage-ledger/extract.ts';
import { RAW_JSON_MAX_CHARS, safeJson } from '../../plugin-bridge/usage-ledger/raw-json.ts';
import { type UsageRecord } from '../../workflows/usage/usage-record.ts';

const NOW = Date.UTC(2026, 8, 10, 12, 0, 0);

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/usage/${name}.json`, import.meta.url), 'utf8'));
}

/** The record minus the two derived strings, which get their own tests. */
function columns(record: UsageRecord | null): Omit<UsageRecord, 'eventId' | 'rawJson'> | null {
  if (record === null) return null;
  const { eventId: _eventId, rawJson: _rawJson, ...rest } = record;
  return rest;
}

const base = { ts: NOW, latencyMs: null, success: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 } as const;

test('OpenAI usage nested under response counts prompt/completion/total and cached prompt tokens', () => {
  assert.deepEqual(columns(extractUsage(fixture('openai-chat-completion'), 'llm_output', { now: NOW })), {
    ...base, requestId: 'run-openai-1', model: 'gpt-4o-mini', provider: 'openai', inputTokens: 1117, outputTokens: 46,
    totalTokens: 1163, cacheReadInputTokens: 1024, latencyMs: 1834, sourceEvent: 'llm_output',
  });
});

test('Anthropic usage counts cache creation and cache read tokens; total defaults to input+output', () => {
  assert.deepEqual(columns(extractUsage(fixture('anthropic-messages'), 'llm_output', { now: NOW })), {
    ...base, requestId: 'req_011CSHoEeqs5C35K2UUqR7Fy', model: 'claude-sonnet-4-5', provider: 'anthropic',
    inputTokens: 2095, outputTokens: 503, totalTokens: 2598, cacheCreationInputTokens: 2051,
    cacheReadInputTokens: 1200, latencyMs: 2410, sourceEvent: 'llm_output',
  });
});

test('Google usageMetadata counts promptTokenCount/candidatesTokenCount/totalTokenCount; traceId is the request id', () => {
  assert.deepEqual(columns(extractUsage(fixture('google-gemini'), 'llm_output', { now: NOW })), {
    ...base, requestId: '4bf92f3577b34da6a3ce929d0e0e4736', model: 'gemini-2.5-flash', provider: 'google',
    inputTokens: 3021, outputTokens: 212, totalTokens: 3420, cacheReadInputTokens: 2048, latencyMs: 912,
    sourceEvent: 'llm_output',
  });
});

test('Bedrock metrics count inputTokenCount/outputTokenCount; sessionId is the request id', () => {
  assert.deepEqual(columns(extractUsage(fixture('bedrock-invoke-metrics'), 'llm_output', { now: NOW })), {
    ...base, requestId: 'sess-bedrock-7', model: 'anthropic.claude-3-haiku-20240307-v1:0', provider: 'amazon-bedrock',
    inputTokens: 812, outputTokens: 95, totalTokens: 907, latencyMs: 1412, sourceEvent: 'llm_output',
  });
});

test('camelCase usage under response counts inputTokens/outputTokens/cache*InputTokens; response.id is the request id', () => {
  assert.deepEqual(columns(extractUsage(fixture('bedrock-converse-camelcase'), 'llm_output', { now: NOW })), {
    ...base, requestId: 'b1c2d3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d', model: 'us.amazon.nova-pro-v1:0',
    provider: 'amazon-bedrock', inputTokens: 1530, outputTokens: 240, totalTokens: 1770,
    cacheCreationInputTokens: 128, cacheReadInputTokens: 1024, latencyMs: 1980, sourceEvent: 'llm_output',
  });
});

test('numeric strings count (tokenUsage with promptTokens/completionTokens as strings)', () => {
  assert.deepEqual(columns(extractUsage(fixture('langchain-token-usage-strings'), 'llm_output', { now: NOW })), {
    ...base, requestId: 'lc-run-42', model: 'mistral-large-latest', provider: 'mistral', inputTokens: 640,
    outputTokens: 128, totalTokens: 768, sourceEvent: 'llm_output',
  });
});

test('OpenClaw llm_output usage {input, output, total, cacheRead, cacheWrite} is taken as given', () => {
  assert.deepEqual(columns(extractUsage(fixture('openclaw-llm-output'), 'llm_output', { now: NOW })), {
    ...base, requestId: '7f1c2e9a-3b4d-4e5f-8a6b-9c0d1e2f3a4b', model: 'claude-opus-4-1', provider: 'anthropic',
    inputTokens: 18342, outputTokens: 611, totalTokens: 36115, cacheCreationInputTokens: 1290,
    cacheReadInputTokens: 15872, sourceEvent: 'llm_output',
  });
});

test('success is 0 when an error is present', () => {
  const record = extractUsage(fixture('anthropic-error'), 'llm_output', { now: NOW });
  assert.equal(record?.success, 0);
  assert.equal(record?.latencyMs, 30012);
  assert.equal(extractUsage({ usage: { input: 1 }, outcome: 'error' }, 'x')?.success, 0);
  assert.equal(extractUsage({ usage: { input: 1 }, error: '' }, 'x')?.success, 1);
});

test('no usage at all → no row (model_call_ended, empty usage, non-numeric counts, non-objects)', () => {
  assert.equal(extractUsage(fixture('openclaw-model-call-ended'), 'model_call_ended'), null);
  assert.equal(extractUsage({ usage: {} }, 'llm_output'), null);
  assert.equal(extractUsage({ usage: { input: 'many', output: -3, total: Number.NaN } }, 'llm_output'), null);
  for (const junk of [null, undefined, 42, 'usage', [], true]) assert.equal(extractUsage(junk, 'llm_output'), null);
});

test('the event id is the caller\'s when given, else stable for the same payload and distinct per call id', () => {
  const payload = fixture('openclaw-llm-output');
  assert.equal(extractUsage(payload, 'llm_output', { eventId: 'evt-1' })?.eventId, 'evt-1');
  const derived = extractUsage(payload, 'llm_output')?.eventId;
  assert.equal(derived, extractUsage(fixture('openclaw-llm-output'), 'llm_output')?.eventId);
  assert.match(derived ?? '', /^llm_output:7f1c2e9a-3b4d-4e5f-8a6b-9c0d1e2f3a4b:p[0-9a-f]{32}$/);
  const withCall = { runId: 'r', callId: 'c:1', usage: { input: 1 } };
  assert.equal(extractUsage(withCall, 'model_call_ended')?.eventId, 'model_call_ended:r:c%3A1');
  assert.equal(usageEventId('llm_output', 'run:1', 2), 'llm_output:run%3A1:2');
  assert.notEqual(usageEventId('a:b', 'c', 1), usageEventId('a', 'b:c', 1));
});

test('raw_json is the payload as JSON', () => {
  const payload = fixture('anthropic-messages');
  assert.deepEqual(JSON.parse(extractUsage(payload, 'llm_output')?.rawJson ?? ''), payload);
});

test('malformed input never throws: cycles, huge strings, throwing getters, hostile proxies', () => {
  const cyclic: Record<string, unknown> = { runId: 'cyc', usage: { input_tokens: 5, output_tokens: 7 } };
  cyclic['self'] = cyclic;
  const cyclicRecord = extractUsage(cyclic, 'llm_output');
  assert.equal(cyclicRecord?.totalTokens, 12);
  assert.equal(JSON.parse(cyclicRecord?.rawJson ?? '')['self'], '[Circular]');

  const huge = { usage: { input: 3 }, prompt: 'x'.repeat(5_000_000), history: Array.from({ length: 5000 }, () => 'y'.repeat(3000)) };
  const hugeRecord = extractUsage(huge, 'llm_output');
  assert.equal(hugeRecord?.inputTokens, 3);
  assert.ok((hugeRecord?.rawJson.length ?? Infinity) <= RAW_JSON_MAX_CHARS);
  assert.equal(JSON.parse(hugeRecord?.rawJson ?? '').truncated, true);

  const getter = Object.defineProperty({ usage: { output: '9' } }, 'model', { enumerable: true, get: () => { throw new Error('boom'); } });
  assert.equal(extractUsage(getter, 'llm_output')?.outputTokens, 9);
  assert.equal(JSON.parse(extractUsage(getter, 'llm_output')?.rawJson ?? '').model, '[Unreadable]');

  const hostile = new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
  assert.equal(extractUsage(hostile, 'llm_output'), null);
  assert.equal(safeJson(hostile), '"[Unreadable]"');
  assert.equal(extractUsage({ usage: { input: '9'.repeat(100_000) } }, 'llm_output'), null);

  let deep: Record<string, unknown> = { usage: { input: 1 } };
  for (let i = 0; i < 100_000; i++) deep = { usage: deep['usage'], next: deep };
  assert.equal(extractUsage(deep, 'llm_output')?.inputTokens, 1);
});
