/**
 * token-audit's two files against the original's format (reference/original-extensions.txt, token-audit): the
 * original's record and dump are rebuilt here from the facts of that source — key names, order, defaults — and
 * ours must carry exactly those keys, in that order, with equal values; keys we add may only follow them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAuditRecord, buildPromptDump, measurePrompt } from '../../plugin-bridge/token-audit/records.ts';
import type { LlmInputEvent, LlmOutputEvent } from '../../plugin-bridge/token-audit/types.ts';

const NOW = new Date('2026-09-10T12:00:00.000Z');

/** The original's JSONL record for an `llm_output` event (undefined values vanish in JSON, as there). */
function originalRecord(event: LlmOutputEvent, timestamp: string): unknown {
  const u = event.usage;
  return JSON.parse(JSON.stringify({
    timestamp, sessionId: event.sessionId, runId: event.runId, provider: event.provider, model: event.model,
    usage: { input: u?.input ?? 0, output: u?.output ?? 0, cacheRead: u?.cacheRead ?? 0, cacheWrite: u?.cacheWrite ?? 0, total: u?.total ?? (u?.input ?? 0) + (u?.output ?? 0) },
  }));
}

/** The original's dump for an `llm_input` event over the threshold. */
function originalDump(event: LlmInputEvent, timestamp: string): unknown {
  const promptLen = typeof event.prompt === 'string' ? event.prompt.length : 0;
  const historyLen = Array.isArray(event.historyMessages) ? JSON.stringify(event.historyMessages).length : 0;
  const systemLen = typeof event.systemPrompt === 'string' ? event.systemPrompt.length : 0;
  return JSON.parse(JSON.stringify({
    timestamp, sessionId: event.sessionId, runId: event.runId, provider: event.provider, model: event.model,
    systemLen, promptLen, historyLen, historyCount: Array.isArray(event.historyMessages) ? event.historyMessages.length : 0,
    totalChars: promptLen + historyLen + systemLen,
    systemPromptPreview: typeof event.systemPrompt === 'string' ? event.systemPrompt.slice(0, 2000) : null,
    promptPreview: typeof event.prompt === 'string' ? event.prompt.slice(0, 2000) : null,
  }));
}

/** Ours as written to the file, cut to the original's keys, and the keys ours adds (which must come after). */
function compare(ours: unknown, original: unknown): void {
  const written = JSON.parse(JSON.stringify(ours)) as Record<string, unknown>;
  const originalKeys = Object.keys(original as object);
  const keys = Object.keys(written);
  assert.deepEqual(keys.slice(0, originalKeys.length), originalKeys, 'the original keys, in the original order, first');
  assert.deepEqual(Object.fromEntries(originalKeys.map((k) => [k, written[k]])), original);
}

const outputs: LlmOutputEvent[] = [
  { runId: 'r1', sessionId: 's1', provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 100, output: 20, cacheRead: 80, cacheWrite: 5, total: 205 } },
  { runId: 'r2', provider: 'openai', model: 'gpt-4o', usage: { input: 7, output: 3 } },
  { runId: 'r3', usage: { input: 0, output: 0, total: 0 } },
  {},
];

test('the JSONL record has exactly the original’s keys, order and values', () => {
  for (const event of outputs) compare(buildAuditRecord(event, {}, NOW), originalRecord(event, NOW.toISOString()));
});

const inputs: LlmInputEvent[] = [
  { runId: 'big', sessionId: 's1', provider: 'anthropic', model: 'm', systemPrompt: 'S'.repeat(3000), prompt: 'P'.repeat(120_000), historyMessages: [{ role: 'user', content: 'h' }] },
  { prompt: 'x'.repeat(100_001) },
  { systemPrompt: 'only a system prompt', historyMessages: 'not an array' as unknown as readonly unknown[] },
];

test('the large-prompt dump has the original’s keys, order and values first; added keys only after them', () => {
  for (const event of inputs) {
    const dump = buildPromptDump(measurePrompt(event, { sessionKey: 'agent:main:main' }), event, 100_000, NOW);
    compare(dump, originalDump(event, NOW.toISOString()));
    assert.deepEqual(Object.keys(dump).slice(-2), ['sessionKey', 'largePromptChars']);
  }
});
