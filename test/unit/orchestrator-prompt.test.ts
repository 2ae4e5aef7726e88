import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { buildPrependContext, observePromptMessages, orchestratorInstructions } from '../../workflows/orchestrator/prompt.ts';
import { isInjectedOrchestratorText } from '../../workflows/orchestrator/text.ts';
import { emptyThreadState, type ThreadState, type WorkerRecord } from '../../workflows/orchestrator/thread-state.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:orch-1';
const config = parseOrchestratorConfig({ maxRetriesPerTask: 3 });

function worker(n: number, updatedAt: number, label?: string): WorkerRecord {
  const record: WorkerRecord = {
    childKey: `agent:c:subagent:w${n}`, requester: ORCH, taskPreview: `task ${n}`, status: n % 2 === 0 ? 'running' : 'error',
    startedAt: 1, updatedAt, spec: { task: `task ${n}` },
  };
  return label === undefined ? record : { ...record, label };
}

function bound(workers: WorkerRecord[] = []): ThreadState {
  return { ...emptyThreadState(FRONT), orchestratorKey: ORCH, workers: Object.fromEntries(workers.map((w) => [w.childKey, w])) };
}

test('remember the latest user message of event.messages for every session with a key', () => {
  const state = observePromptMessages(emptyThreadState(FRONT), 'agent:main:subagent:w', [{ role: 'user', content: 'do X' }]);
  assert.equal(state.lastUserMessages['agent:main:subagent:w'], 'do X');
  assert.deepEqual(observePromptMessages(emptyThreadState(FRONT), undefined, [{ role: 'user', content: 'do X' }]).lastUserMessages, {});
});

test('a blank latest user message or the orchestrator\'s own injected text leaves the remembered message unchanged', () => {
  const start = observePromptMessages(emptyThreadState(FRONT), FRONT, [{ role: 'user', content: 'real ask' }]);
  const injected = orchestratorInstructions(config);
  assert.equal(observePromptMessages(start, FRONT, [{ role: 'user', content: '  ' }]).lastUserMessages[FRONT], 'real ask');
  assert.equal(observePromptMessages(start, FRONT, [{ role: 'user', content: `${injected}\n\nhello` }]).lastUserMessages[FRONT], 'real ask');
});

test('the instructions cover every point: short first reply, no read/exec/process, one hidden orchestrator, sessions_send, polling, <orchestrator-retry>, retry limit', () => {
  const text = orchestratorInstructions(config);
  assert.equal(isInjectedOrchestratorText(text), true);
  for (const point of [/short/, /read, exec or process/, /spawn exactly one hidden orchestrator session/i, /sessions_spawn/, /sessions_send/, /session_status/, /sessions_history/, /<orchestrator-retry>/, /immediately/, /retry limit 3/]) {
    assert.match(text, point);
  }
});

test('prependContext only when injectOrchestratorPrompt and the session is a front-controller', () => {
  assert.ok(buildPrependContext(emptyThreadState(FRONT), FRONT, config)?.startsWith('[orchestrator mode is active]'));
  assert.equal(buildPrependContext(bound(), ORCH, config), undefined);
  assert.equal(buildPrependContext(bound(), 'agent:main:subagent:w', config), undefined);
  assert.equal(buildPrependContext(emptyThreadState(FRONT), FRONT, parseOrchestratorConfig({ injectOrchestratorPrompt: false })), undefined);
  assert.equal(buildPrependContext(emptyThreadState(FRONT), undefined, config), undefined);
});

test('a bound orchestrator adds its session key and "use sessions_send with sessionKey=<key>"', () => {
  const text = buildPrependContext(bound(), FRONT, config) ?? '';
  assert.ok(text.includes(`use sessions_send with sessionKey=${ORCH}`));
  assert.ok(!text.includes('status snapshot'));
  assert.ok(!(buildPrependContext(emptyThreadState(FRONT), FRONT, config) ?? '').includes('sessionKey='));
});

test('status snapshot: orchestrator key, number of workers, one line per worker [status] childKey (label or no-label) :: task preview, newest-updated first, at most 12', () => {
  const workers = Array.from({ length: 14 }, (_, n) => worker(n, 100 + ((n * 5) % 14), n === 11 ? 'lbl' : undefined));
  const text = buildPrependContext(bound(workers), FRONT, config) ?? '';
  const lines = text.split('\n').filter((line) => line.startsWith('['));
  assert.match(text, new RegExp(`snapshot: ${ORCH} \\(14 worker`));
  assert.equal(lines.filter((line) => line.includes(' :: ')).length, 12);
  const shown = lines.filter((line) => line.includes(' :: '));
  const order = [...workers].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, 12);
  assert.deepEqual(shown, order.map((w) => `[${w.status}] ${w.childKey} (${w.label ?? 'no-label'}) :: ${w.taskPreview}`));
  assert.equal(shown[0], `[error] agent:c:subagent:w11 (lbl) :: task 11`);
  assert.ok(shown.some((line) => line.includes('(no-label)')));
});

test('without the snapshot (Temporal unavailable) the instructions and binding are still injected', () => {
  const text = buildPrependContext(bound([worker(1, 5)]), FRONT, config, false) ?? '';
  assert.ok(text.includes('[orchestrator mode is active]'));
  assert.ok(!text.includes(' :: '));
});
