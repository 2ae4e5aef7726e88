/**
 * Issue 10 item 5: the latest user message and the spawn fields read exactly as the original reads them. The
 * original's rules are re-implemented here from the facts in the reference (asString trims and drops blanks; a
 * message's text parts are each trimmed, blanks dropped, joined with newlines; the last user message with text
 * wins, an echo of the injected instructions is not remembered; the spawn spec's string fields go through
 * asString; the task key is sha256 of requester, agentId, label and trimmed task joined by newlines), and ours
 * must agree on every case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { retryTaskKey } from '../../workflows/orchestrator/lifecycle.ts';
import { decideSpawn } from '../../workflows/orchestrator/spawn-policy.ts';
import { decideToolCall } from '../../workflows/orchestrator/tool-policy.ts';
import { latestUserMessage } from '../../workflows/orchestrator/text.ts';
import { emptyThreadState, spawnKey } from '../../workflows/orchestrator/thread-state.ts';

// ---- the original's rules, from the reference facts ----
const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const asString = (v: unknown): string | undefined => (typeof v === 'string' && v.trim().length > 0 ? v.trim() : undefined);
function originalMessageText(content: unknown): string | undefined {
  if (typeof content === 'string') return asString(content);
  if (!Array.isArray(content)) return undefined;
  const chunks = content.map(record).filter((part) => part.type === 'text').map((part) => asString(part.text)).filter((t): t is string => t !== undefined);
  const joined = chunks.join('\n').trim();
  return joined.length > 0 ? joined : undefined;
}
function originalRemembered(messages: unknown[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = record(messages[i]);
    if (asString(message.role) !== 'user') continue;
    const text = originalMessageText(message.content);
    if (text === undefined) continue;
    const lower = text.toLowerCase();
    return lower.includes('[orchestrator mode is active]') && lower.includes('spawn exactly one hidden orchestrator session') ? undefined : text;
  }
  return undefined;
}
function originalWorkerTaskKey(requester: string, params: Record<string, unknown>): string {
  const task = asString(params.task) ?? 'fallback';
  const spec = { task: asString(task) ?? task, label: asString(params.label), agentId: asString(params.agentId) };
  return createHash('sha256').update([requester, spec.agentId ?? '', spec.label ?? '', spec.task.trim()].join('\n')).digest('hex');
}

// ---- the cases ----
const injected = '[Orchestrator mode is active]\n- Spawn exactly one hidden orchestrator session for this thread via sessions_spawn.';
const histories: unknown[][] = [
  [{ role: 'user', content: 'plan a trip' }, { role: 'user', content: '   ' }],
  [{ role: 'user', content: 'plan a trip' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: [{ type: 'image', data: 'x' }] }],
  [{ role: 'user', content: 'first' }, { role: 'user', content: [{ type: 'text', text: '  ' }, { type: 'image' }] }],
  [{ role: 'user', content: [{ type: 'text', text: '  line one  ' }, { type: 'text', text: '' }, { type: 'text', text: ' line two ' }] }],
  [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'Text', text: 'b' }, { type: 'text', text: 7 }] }],
  [{ role: ' user ', content: ' padded role ' }],
  [{ role: 'user', content: 'earlier' }, { role: 'user', content: injected }],
  [{ role: 'user', content: injected }, { role: 'user', content: ' ' }],
  [{ role: 'user', content: { text: 'not a part list' } }],
  [{ role: 'assistant', content: 'only an answer' }],
  [],
  [null, 'text', ['user'], { role: 'user', content: 'after junk' }],
];

test('the latest user message agrees with the original on blank, image-only, padded, echo and malformed histories', () => {
  for (const history of histories) assert.equal(latestUserMessage(history), originalRemembered(history), JSON.stringify(history));
  assert.equal(latestUserMessage(histories[0]), 'plan a trip', 'a blank last message falls back to the one before');
  assert.equal(latestUserMessage(histories[3]), 'line one\nline two');
});

const config = parseOrchestratorConfig({});
const ORCH = 'agent:main:subagent:orch';
const spawnParams: Array<Record<string, unknown>> = [
  { task: 'Find flights', label: 'flights' },
  { task: '  Find flights  ', label: '  flights  ', agentId: ' main ' },
  { task: 'Find flights', label: '   ', agentId: '', model: ' gpt ', thinking: ' high ', mode: ' run ' },
  { task: 'Find flights\n', label: 'Flights Team' },
];

test('worker spawn fields are trimmed as the original trims them: a padded label or agentId gives the original task key', () => {
  const state = { ...emptyThreadState('agent:main:main'), orchestratorKey: ORCH };
  for (const params of spawnParams) {
    const call = { sessionKey: ORCH, toolName: 'sessions_spawn', params, runId: 'r', toolCallId: 't' };
    const pending = decideSpawn(state, call, 'orchestrator', config, 0).state.pendingSpawns[spawnKey('r', 't', ORCH)];
    assert.ok(pending !== undefined);
    assert.equal(retryTaskKey(ORCH, pending.spec), originalWorkerTaskKey(ORCH, params), JSON.stringify(params));
    for (const key of ['label', 'agentId', 'model', 'thinking', 'mode'] as const) assert.equal(pending.spec[key], asString(params[key]), `${key} of ${JSON.stringify(params)}`);
  }
  const padded = spawnParams[1];
  assert.ok(padded !== undefined);
  assert.equal(originalWorkerTaskKey(ORCH, padded), originalWorkerTaskKey(ORCH, { task: 'Find flights', label: 'flights', agentId: 'main' }), 'padding does not change the task key');
});

test('threads recorded before the fix keep reading spawn fields as given (legacy), so their task keys replay unchanged', () => {
  const state = { ...emptyThreadState('agent:main:main'), orchestratorKey: ORCH };
  const call = { sessionKey: ORCH, toolName: 'sessions_spawn', params: { task: 'Find flights', label: ' flights ' }, runId: 'r', toolCallId: 't' };
  const pending = decideSpawn(state, call, 'orchestrator', config, 0, 'legacy').state.pendingSpawns[spawnKey('r', 't', ORCH)];
  assert.equal(pending?.spec.label, ' flights ');
});

test('a front’s sessions_send to its orchestrator counts with a padded sessionKey, as the original compares it trimmed', () => {
  const state = { ...emptyThreadState('agent:main:main'), orchestratorKey: ORCH };
  const call = { sessionKey: 'agent:main:main', toolName: 'sessions_send', params: { sessionKey: ` ${ORCH} `, message: ' more work ' }, runId: 'r', toolCallId: 't' };
  assert.equal(decideToolCall(state, call, config, 0).state.lastDelegatedTask, 'more work');
  assert.equal(decideToolCall(state, call, config, 0, 'legacy').state.lastDelegatedTask, undefined);
});
