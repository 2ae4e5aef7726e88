import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBridgeConfig, ORCHESTRATOR_CONFIG_KEYS } from '../../plugin-bridge/orchestrator/config.ts';
import { ThreadDirectory } from '../../plugin-bridge/orchestrator/directory.ts';
import { spawnReceipt, toHookResult, toolCallUpdateId, toToolCall } from '../../plugin-bridge/orchestrator/hook-events.ts';
import { routeToolCall } from '../../plugin-bridge/orchestrator/route.ts';
import { RecentUserMessages } from '../../plugin-bridge/orchestrator/user-messages.ts';
import { InvalidConfigError } from '../../plugin-bridge/shared/errors.ts';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { emptyThreadState } from '../../workflows/orchestrator/thread-state.ts';

const FRONT = 'agent:main:main';
const OTHER_FRONT = 'agent:main:telegram:direct:42';
const ORCH = 'agent:main:subagent:orch';
const WORKER = 'agent:main:subagent:w1';
const STRANGER = 'agent:main:subagent:stranger';
const config = parseOrchestratorConfig({});
const call = (sessionKey: string, toolName: string, params: Record<string, unknown> = {}) => ({ sessionKey, toolName, params, runId: 'r', toolCallId: 't' });

function loaded(): ThreadDirectory {
  const directory = new ThreadDirectory();
  directory.observe({ kind: 'thread-loaded', state: { ...emptyThreadState(FRONT), orchestratorKey: ORCH, workers: { [WORKER]: { childKey: WORKER, requester: ORCH, taskPreview: 't', status: 'running', startedAt: 1, updatedAt: 1, spec: { task: 't' } } } } });
  directory.observe({ kind: 'load', status: 'ready' });
  return directory;
}

test('config: the manifest schema and the parser declare the same keys, including the two the original forgot', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../plugin-bridge/orchestrator/openclaw.plugin.json', import.meta.url), 'utf8')) as { configSchema: { properties: Record<string, unknown>; additionalProperties: boolean } };
  assert.deepEqual(Object.keys(manifest.configSchema.properties).sort(), [...ORCHESTRATOR_CONFIG_KEYS].sort());
  assert.equal(manifest.configSchema.additionalProperties, false);
  assert.ok(ORCHESTRATOR_CONFIG_KEYS.includes('allowedOrchestratorTools') && ORCHESTRATOR_CONFIG_KEYS.includes('orchestratorLabelPrefix'));
});

test('config: policy keys go through the shared parser, connection keys are the bridge’s; errors name the field', () => {
  const parsed = parseBridgeConfig({ allowedOrchestratorTools: ['exec', 'memory_get'], temporalAddress: '127.0.0.1:7233', onTemporalError: 'block' });
  assert.deepEqual(parsed.policy.allowedOrchestratorTools, config.allowedOrchestratorTools, 'exec is filtered out: not a router tool');
  assert.deepEqual(parsed.temporal, { address: '127.0.0.1:7233' });
  assert.equal(parsed.taskQueue, 'openclaw-temporal');
  assert.equal(parsed.policy.onTemporalError, 'block');
  assert.throws(() => parseBridgeConfig({ decisionTimeoutMs: 50 }), (e: unknown) => e instanceof InvalidConfigError && e.field === 'decisionTimeoutMs');
  assert.throws(() => parseBridgeConfig({ retryOutcome: [] }), (e: unknown) => e instanceof InvalidConfigError && e.field === 'retryOutcome');
  assert.throws(() => parseBridgeConfig({ temporalAddress: '' }), (e: unknown) => e instanceof InvalidConfigError && e.field === 'temporalAddress');
});

test('route: sessions no thread knows are decided locally — zero round trips', () => {
  const directory = loaded();
  assert.deepEqual(routeToolCall(directory, call(OTHER_FRONT, 'session_status'), config), { via: 'local' });
  assert.deepEqual(routeToolCall(directory, call(OTHER_FRONT, 'sessions_send', { message: 'm' }), config), { via: 'local' });
  assert.deepEqual(routeToolCall(directory, call(STRANGER, 'exec'), config), { via: 'local' });
  assert.deepEqual(routeToolCall(directory, call(STRANGER, 'sessions_spawn'), config), { via: 'local' });
  assert.deepEqual(routeToolCall(directory, call('global', 'sessions_spawn'), config), { via: 'local' });
});

test('route: decisions that do not depend on the thread stay local even for bound sessions', () => {
  const directory = loaded();
  assert.deepEqual(routeToolCall(directory, call(FRONT, 'exec'), config), { via: 'local' });
  assert.deepEqual(routeToolCall(directory, call(ORCH, 'sessions_list'), config), { via: 'local' });
  assert.deepEqual(routeToolCall(directory, call(WORKER, 'exec'), config), { via: 'local' });
});

test('route: reads of a bound thread are queries, possible writes are updates; a front’s spawn always asks (and may start) its thread', () => {
  const directory = loaded();
  assert.deepEqual(routeToolCall(directory, call(FRONT, 'session_status'), config), { via: 'query', frontKey: FRONT });
  assert.deepEqual(routeToolCall(directory, call(ORCH, 'exec'), config), { via: 'update', frontKey: FRONT, start: false });
  assert.deepEqual(routeToolCall(directory, call(WORKER, 'sessions_spawn'), config), { via: 'update', frontKey: FRONT, start: false });
  assert.deepEqual(routeToolCall(directory, call(FRONT, 'sessions_spawn'), config), { via: 'update', frontKey: FRONT, start: true });
  assert.deepEqual(routeToolCall(directory, call(OTHER_FRONT, 'sessions_spawn'), config), { via: 'update', frontKey: OTHER_FRONT, start: true });
  const enforcing = parseOrchestratorConfig({ enforceMainDelegation: true });
  assert.deepEqual(routeToolCall(directory, call(FRONT, 'exec'), enforcing), { via: 'query', frontKey: FRONT });
  assert.deepEqual(routeToolCall(directory, call(OTHER_FRONT, 'exec'), enforcing), { via: 'local' });
});

test('route: before the cache is loaded, a front asks its own thread and an unknown subagent that may be an orchestrator is unknown', () => {
  const directory = new ThreadDirectory();
  assert.deepEqual(routeToolCall(directory, call(OTHER_FRONT, 'session_status'), config), { via: 'query', frontKey: OTHER_FRONT });
  assert.deepEqual(routeToolCall(directory, call(STRANGER, 'exec'), config), { via: 'unknown' });
  assert.deepEqual(routeToolCall(directory, call(STRANGER, 'sessions_list'), config), { via: 'local' });
  assert.deepEqual(routeToolCall(directory, call('global', 'exec'), config), { via: 'local' });
});

test('directory: a spawn result registers the child before the thread confirms it; the outcome corrects the cache', () => {
  const directory = new ThreadDirectory();
  directory.observe({ kind: 'load', status: 'ready' });
  directory.observe({ kind: 'tool-call-updated', frontKey: FRONT, sessionKey: FRONT, outcome: { kind: 'front', orchestratorKey: null } });
  assert.deepEqual(directory.lookup(FRONT), { frontKey: FRONT, role: 'front' });
  assert.equal(directory.orchestratorOf(FRONT), undefined);
  directory.observe({ kind: 'spawn-accepted', frontKey: FRONT, requesterKey: FRONT, childKey: ORCH });
  assert.equal(directory.kindOf(ORCH), 'orchestrator', 'a front’s spawn is its orchestrator');
  assert.equal(directory.orchestratorOf(FRONT), ORCH);
  directory.observe({ kind: 'spawn-accepted', frontKey: FRONT, requesterKey: ORCH, childKey: WORKER });
  assert.deepEqual(directory.lookup(WORKER), { frontKey: FRONT, role: 'worker' }, 'an orchestrator’s spawn is a worker');
  directory.observe({ kind: 'spawn-accepted', frontKey: OTHER_FRONT, requesterKey: OTHER_FRONT, childKey: 'agent:main:subagent:elsewhere' });
  assert.equal(directory.lookup('agent:main:subagent:elsewhere'), undefined, 'a thread the cache does not know registers nothing');
  directory.observe({ kind: 'child-seen', frontKey: FRONT, childKey: STRANGER });
  assert.equal(directory.kindOf(STRANGER), 'orchestrator', 'an unconfirmed child is routed like an orchestrator');
  directory.observe({ kind: 'tool-call-updated', frontKey: FRONT, sessionKey: STRANGER, outcome: { kind: 'worker', orchestratorKey: ORCH } });
  assert.equal(directory.kindOf(STRANGER), 'worker');
  directory.observe({ kind: 'tool-call-updated', frontKey: FRONT, sessionKey: STRANGER, outcome: { kind: 'none', orchestratorKey: ORCH } });
  assert.equal(directory.lookup(STRANGER), undefined);
});

test('directory: an orchestrator’s end drops its thread; a worker’s run end keeps it, its session end removes it', () => {
  const directory = loaded();
  directory.observe({ kind: 'ended', sessionKey: WORKER, what: 'subagent' });
  assert.equal(directory.kindOf(WORKER), 'worker');
  directory.observe({ kind: 'ended', sessionKey: WORKER, what: 'session' });
  assert.equal(directory.lookup(WORKER), undefined);
  directory.observe({ kind: 'ended', sessionKey: ORCH, what: 'subagent' });
  assert.equal(directory.hasThread(FRONT), false);
  assert.equal(directory.lookup(ORCH), undefined);
});

test('directory: a finished thread’s query answer (no orchestrator) does not re-create it; settled() waits for a running load', async () => {
  const directory = new ThreadDirectory();
  directory.observe({ kind: 'thread-read', state: emptyThreadState(OTHER_FRONT) });
  assert.equal(directory.hasThread(OTHER_FRONT), false);
  directory.observe({ kind: 'load', status: 'loading' });
  const waiting = directory.settled(Date.now() + 5000);
  directory.observe({ kind: 'load', status: 'ready' });
  assert.equal(await waiting, 'ready');
  assert.equal(directory.orchestratorOf(FRONT), undefined);
});

test('hook events: tool calls need a session key; redelivered calls share an update id; results carry only what the rules set', () => {
  assert.equal(toToolCall({ toolName: 'exec', params: {} }, {}), undefined);
  const keyed = toToolCall({ toolName: 'exec', params: { a: 1 }, toolCallId: 'c1' }, { sessionKey: FRONT, runId: 'r1' });
  assert.deepEqual(keyed, { sessionKey: FRONT, toolName: 'exec', params: { a: 1 }, runId: 'r1', toolCallId: 'c1' });
  assert.equal(toolCallUpdateId(keyed!), toolCallUpdateId({ ...keyed! }));
  assert.notEqual(toolCallUpdateId({ sessionKey: FRONT, toolName: 'exec', params: {} }), toolCallUpdateId({ sessionKey: FRONT, toolName: 'exec', params: {} }));
  assert.equal(toHookResult({}), undefined);
  assert.deepEqual(toHookResult({ block: true, blockReason: 'no' }), { block: true, blockReason: 'no' });
  assert.deepEqual(toHookResult({ params: { sessionKey: ORCH } }), { params: { sessionKey: ORCH } });
});

test('hook events: the spawn receipt of the embedded runner ({content, details}) is reduced to accepted + child key', () => {
  const details = { status: 'accepted', childSessionKey: ORCH, runId: 'x', note: 'long text' };
  assert.deepEqual(spawnReceipt({ content: [{ type: 'text', text: JSON.stringify(details) }], details }, undefined), { accepted: true, childSessionKey: ORCH });
  assert.deepEqual(spawnReceipt({ details: { status: 'forbidden', error: 'no' } }, undefined), { accepted: false });
  assert.deepEqual(spawnReceipt(undefined, 'boom'), { accepted: false });
});

test('remembered user messages: latest non-blank user text per session, injected text ignored, bounded', () => {
  const messages = new RecentUserMessages(2);
  messages.observe('a', [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'x' }]);
  messages.observe('a', [{ role: 'user', content: '[orchestrator mode is active] … spawn exactly one hidden orchestrator session' }]);
  assert.equal(messages.get('a'), 'first');
  messages.observe('b', [{ role: 'user', content: [{ type: 'text', text: 'b' }] }]);
  messages.observe('c', [{ role: 'user', content: 'c' }]);
  assert.equal(messages.get('a'), undefined, 'the oldest session was dropped');
  assert.equal(messages.get('b'), 'b');
});
