import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { applySpawnResult } from '../../workflows/orchestrator/spawn-result.ts';
import { emptyThreadState, sessionKindIn, type ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import { isStateChanging, toolCallAccess } from '../../workflows/orchestrator/tool-access.ts';
import { decideToolCall } from '../../workflows/orchestrator/tool-policy.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:orch-1';
const lenient = parseOrchestratorConfig({});
const enforcing = parseOrchestratorConfig({ enforceMainDelegation: true });

test('tool access: spawns can always change state; front sessions_send can; front polls and enforced blocks only read', () => {
  assert.equal(toolCallAccess('front', 'sessions_spawn', {}, lenient), 'write');
  assert.equal(toolCallAccess('worker', 'sessions_spawn', {}, lenient), 'write');
  assert.equal(toolCallAccess('none', 'sessions_spawn', {}, lenient), 'write');
  assert.equal(toolCallAccess('front', 'sessions_send', { message: 'm' }, lenient), 'write');
  assert.equal(toolCallAccess('front', 'session_status', {}, lenient), 'read');
  assert.equal(toolCallAccess('front', 'session_status', { sessionKey: 'k' }, lenient), 'none');
  assert.equal(toolCallAccess('front', 'exec', {}, enforcing), 'read');
  assert.equal(toolCallAccess('front', 'exec', {}, lenient), 'none');
  assert.equal(toolCallAccess('front', 'memory_search', {}, enforcing), 'none');
});

test('tool access: orchestrator restricted tools and untargeted sessions_send are writes; other sessions\' tools need nothing', () => {
  assert.equal(toolCallAccess('orchestrator', 'exec', {}, lenient), 'write');
  assert.equal(toolCallAccess('orchestrator', 'sessions_send', { message: 'm' }, lenient), 'write');
  assert.equal(toolCallAccess('orchestrator', 'sessions_send', { sessionKey: 'k' }, lenient), 'none');
  assert.equal(toolCallAccess('orchestrator', 'sessions_list', {}, lenient), 'none');
  assert.equal(toolCallAccess('worker', 'exec', {}, enforcing), 'none');
  assert.equal(isStateChanging('orchestrator', 'exec', {}, lenient), true);
  assert.equal(isStateChanging('front', 'session_status', {}, lenient), false);
});

test('tool access is sound: every call it marks non-write leaves the state unchanged, and every "none" call decides the same on an empty thread', () => {
  const bound: ThreadState = {
    ...emptyThreadState(FRONT), orchestratorKey: ORCH,
    lastUserMessages: { [FRONT]: 'hi' }, lastDelegatedTask: 'd',
  };
  const sessions = [FRONT, ORCH, 'agent:main:subagent:w', 'global'];
  const tools = ['exec', 'read', 'sessions_send', 'sessions_spawn', 'session_status', 'sessions_history', 'sessions_list', 'memory_get'];
  const paramSets = [{}, { sessionKey: 'agent:other:main', message: 'm' }, { label: 'x' }, { message: 'm', task: 't' }];
  for (const config of [lenient, enforcing]) {
    for (const sessionKey of sessions) {
      for (const toolName of tools) {
        for (const params of paramSets) {
          const access = toolCallAccess(sessionKindIn(bound, sessionKey), toolName, params, config);
          const call = { sessionKey, toolName, params, runId: 'r', toolCallId: 't' };
          const result = decideToolCall(bound, call, config, 1);
          const where = `${sessionKey} ${toolName} ${JSON.stringify(params)} -> ${access}`;
          if (access !== 'write') assert.deepEqual(result.state, bound, where);
          if (access === 'none') assert.deepEqual(decideToolCall(emptyThreadState(FRONT), call, config, 1).decision, result.decision, where);
        }
      }
    }
  }
});

test('thread state survives a JSON round trip through a whole delegation (it is what continue-as-new carries)', () => {
  let state: ThreadState = emptyThreadState(FRONT);
  state = decideToolCall(state, { sessionKey: FRONT, toolName: 'sessions_spawn', params: { task: 'ship it' }, runId: 'r', toolCallId: 'a' }, lenient, 1).state;
  state = applySpawnResult(state, { sessionKey: FRONT, runId: 'r', toolCallId: 'a', result: { status: 'accepted', childSessionKey: ORCH } }, 2).state;
  state = decideToolCall(state, { sessionKey: ORCH, toolName: 'exec', params: { command: 'ls' }, runId: 'o' }, lenient, 3).state;
  state = decideToolCall(state, { sessionKey: ORCH, toolName: 'sessions_spawn', params: {}, runId: 'o', toolCallId: 'b' }, lenient, 4).state;
  state = applySpawnResult(state, { sessionKey: ORCH, runId: 'o', toolCallId: 'b', result: { details: { status: 'ok', childSessionKey: 'agent:main:subagent:w' } } }, 5).state;
  assert.equal(state.orchestratorKey, ORCH);
  assert.equal(state.workers['agent:main:subagent:w']?.spec.task, state.lastDelegatedTask);
  assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
});
