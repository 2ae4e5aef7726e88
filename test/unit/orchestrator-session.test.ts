import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySession, hasFrontControllerShape } from '../../workflows/orchestrator/session.ts';
import { emptyThreadState, sessionKindIn } from '../../workflows/orchestrator/thread-state.ts';

const nothingKnown = { isOrchestrator: () => false, isWorker: () => false };

test('front-controller: starts with agent: (case-insensitive) and does not contain :subagent:', () => {
  assert.equal(classifySession('agent:main:main', nothingKnown), 'front');
  assert.equal(classifySession('AGENT:main:telegram:group:42', nothingKnown), 'front');
  assert.equal(classifySession('agent:main:subagent:abc', nothingKnown), 'none');
  assert.equal(classifySession('global', nothingKnown), 'none');
  assert.equal(classifySession(undefined, nothingKnown), 'none');
  assert.equal(hasFrontControllerShape('agent:x:SUBAGENT:y'), false);
});

test('a known orchestrator session is not a front-controller even with front-controller shape', () => {
  const acpChild = 'agent:main:acp:1234';
  const known = { isOrchestrator: (key: string) => key === acpChild, isWorker: () => false };
  assert.equal(classifySession(acpChild, known), 'orchestrator');
  assert.equal(classifySession(acpChild, nothingKnown), 'front');
});

test('worker session: the child of any other session\'s accepted sessions_spawn', () => {
  const worker = 'agent:main:subagent:w1';
  assert.equal(classifySession(worker, { isOrchestrator: () => false, isWorker: (key) => key === worker }), 'worker');
});

test('inside a thread, kinds come from its binding and worker records', () => {
  const state = {
    ...emptyThreadState('agent:main:main'),
    orchestratorKey: 'agent:main:subagent:o',
  };
  assert.equal(sessionKindIn(state, 'agent:main:subagent:o'), 'orchestrator');
  assert.equal(sessionKindIn(state, 'agent:main:main'), 'front');
  assert.equal(sessionKindIn(state, 'agent:main:subagent:unknown'), 'none');
});
