import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROUTER_TOOLS } from '../../workflows/orchestrator/config.ts';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { InvalidConfigError } from '../../plugin-bridge/shared/errors.ts';

test('all keys are optional: no config resolves to the original defaults', () => {
  assert.deepEqual(parseOrchestratorConfig(undefined), {
    injectOrchestratorPrompt: true,
    enforceMainDelegation: false,
    autoRetryFailedSubagents: true,
    maxRetriesPerTask: 2,
    retryOutcomes: ['error', 'timeout'],
    allowedMainTools: [...ROUTER_TOOLS],
    allowedOrchestratorTools: [...ROUTER_TOOLS],
    orchestratorLabelPrefix: 'thread-orchestrator',
    decisionTimeoutMs: 3000,
    onTemporalError: 'allow',
    retryBackoff: { initialMs: 0, multiplier: 2, maxMs: 300_000 },
    retryPickupTimeoutMs: 600_000,
    notifyRequesterOnExhausted: false,
    gatewayId: 'default',
    retryRedelivery: { maxDeliveries: 3, multiplier: 2, maxIntervalMs: 3_600_000 },
  });
  assert.deepEqual(parseOrchestratorConfig(null), parseOrchestratorConfig({}));
});

test('router tool set is exactly sessions_spawn, sessions_send, sessions_list, sessions_history, session_status, memory_search, memory_get', () => {
  assert.deepEqual(
    [...ROUTER_TOOLS].sort(),
    ['memory_get', 'memory_search', 'session_status', 'sessions_history', 'sessions_list', 'sessions_send', 'sessions_spawn'],
  );
});

test('injectOrchestratorPrompt: non-boolean → default true', () => {
  assert.equal(parseOrchestratorConfig({ injectOrchestratorPrompt: 'no' }).injectOrchestratorPrompt, true);
  assert.equal(parseOrchestratorConfig({ injectOrchestratorPrompt: 0 }).injectOrchestratorPrompt, true);
  assert.equal(parseOrchestratorConfig({ injectOrchestratorPrompt: false }).injectOrchestratorPrompt, false);
});

test('enforceMainDelegation and autoRetryFailedSubagents take booleans and reject other types naming the field', () => {
  const config = parseOrchestratorConfig({ enforceMainDelegation: true, autoRetryFailedSubagents: false });
  assert.equal(config.enforceMainDelegation, true);
  assert.equal(config.autoRetryFailedSubagents, false);
  for (const field of ['enforceMainDelegation', 'autoRetryFailedSubagents']) {
    assert.throws(
      () => parseOrchestratorConfig({ [field]: 'yes' }),
      (error: unknown) => error instanceof InvalidConfigError && error.field === field && error.name === 'InvalidConfigError',
    );
  }
});

test('maxRetriesPerTask: a non-positive or non-number value → default 2; floats are floored; bounds 1..5 clamp', () => {
  const retries = (value: unknown): number => parseOrchestratorConfig({ maxRetriesPerTask: value }).maxRetriesPerTask;
  assert.equal(retries(0), 2);
  assert.equal(retries(-3), 2);
  assert.equal(retries('4'), 2);
  assert.equal(retries(Number.NaN), 2);
  assert.equal(retries(3.9), 3);
  assert.equal(retries(1), 1);
  assert.equal(retries(5), 5);
  assert.equal(retries(9), 5);
  assert.equal(retries(0.5), 1);
});

test('retryOutcomes: entries outside error,timeout,killed,reset,deleted are dropped; empty after filtering → default', () => {
  const outcomes = (value: unknown): readonly string[] => parseOrchestratorConfig({ retryOutcomes: value }).retryOutcomes;
  assert.deepEqual(outcomes(['killed', 'ok', 'reset', 42, 'deleted', 'bogus']), ['killed', 'reset', 'deleted']);
  assert.deepEqual(outcomes(['ok', 'unknown']), ['error', 'timeout']);
  assert.deepEqual(outcomes([]), ['error', 'timeout']);
  assert.deepEqual(outcomes('error'), ['error', 'timeout']);
});

test('allowedMainTools: added to the default main allow-list, then filtered to the router tool set', () => {
  const config = parseOrchestratorConfig({ allowedMainTools: ['read', 'exec', 'memory_get'] });
  assert.ok(!config.allowedMainTools.includes('read'));
  assert.deepEqual(config.allowedMainTools, [...ROUTER_TOOLS]);
  assert.throws(
    () => parseOrchestratorConfig({ allowedMainTools: 'read' }),
    (error: unknown) => error instanceof InvalidConfigError && error.field === 'allowedMainTools',
  );
});

test('allowedOrchestratorTools (fix: settable) is filtered to the router tool set the same way', () => {
  const config = parseOrchestratorConfig({ allowedOrchestratorTools: ['write', 'sessions_list'] });
  assert.ok(!config.allowedOrchestratorTools.includes('write'));
  assert.deepEqual(config.allowedOrchestratorTools, [...ROUTER_TOOLS]);
  assert.throws(
    () => parseOrchestratorConfig({ allowedOrchestratorTools: { read: true } }),
    (error: unknown) => error instanceof InvalidConfigError && error.field === 'allowedOrchestratorTools',
  );
});

test('orchestratorLabelPrefix (fix: settable) is sanitised like a label; empty → thread-orchestrator', () => {
  assert.equal(parseOrchestratorConfig({ orchestratorLabelPrefix: '  My Team Lead! ' }).orchestratorLabelPrefix, 'my-team-lead');
  assert.equal(parseOrchestratorConfig({ orchestratorLabelPrefix: '!!!' }).orchestratorLabelPrefix, 'thread-orchestrator');
  assert.throws(
    () => parseOrchestratorConfig({ orchestratorLabelPrefix: 7 }),
    (error: unknown) => error instanceof InvalidConfigError && error.field === 'orchestratorLabelPrefix',
  );
});

test('decisionTimeoutMs defaults to 3000 and must lie in 100..14000', () => {
  assert.equal(parseOrchestratorConfig({ decisionTimeoutMs: 100 }).decisionTimeoutMs, 100);
  assert.equal(parseOrchestratorConfig({ decisionTimeoutMs: 14000 }).decisionTimeoutMs, 14000);
  for (const bad of [99, 14001, '3000', Number.POSITIVE_INFINITY]) {
    assert.throws(
      () => parseOrchestratorConfig({ decisionTimeoutMs: bad }),
      (error: unknown) => error instanceof InvalidConfigError && error.field === 'decisionTimeoutMs',
    );
  }
});

test('onTemporalError is "allow" (default) or "block"', () => {
  assert.equal(parseOrchestratorConfig({ onTemporalError: 'block' }).onTemporalError, 'block');
  assert.throws(
    () => parseOrchestratorConfig({ onTemporalError: 'deny' }),
    (error: unknown) => error instanceof InvalidConfigError && error.field === 'onTemporalError' && /onTemporalError/.test(error.message),
  );
});

test('a config that is not an object is rejected', () => {
  assert.throws(() => parseOrchestratorConfig([]), InvalidConfigError);
  assert.throws(() => parseOrchestratorConfig('x'), InvalidConfigError);
});

test('the resolved config is plain JSON (it travels into workflows)', () => {
  const config = parseOrchestratorConfig({ retryOutcomes: ['killed'], maxRetriesPerTask: 4 });
  assert.deepEqual(JSON.parse(JSON.stringify(config)), config);
});
