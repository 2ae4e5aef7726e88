/**
 * The `gatewayId` of ledgers with several gateway hosts (issue 15), in the pure parts: the plugins' config key
 * (one validator with the orchestrator's), the worker's `OPENCLAW_TEMPORAL_GATEWAY_ID`, and how the usage ledger
 * and the gate's contract carry it. The routing itself is tested on a server in test/workflow/ledger-hosts.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGateConfig } from '../../plugin-bridge/lorene-gate/config.ts';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { InvalidConfigError } from '../../plugin-bridge/shared/errors.ts';
import { parseUsageLedgerConfig } from '../../plugin-bridge/usage-ledger/config.ts';
import { InvalidWorkerConfigError, parseWorkerConfig } from '../../worker/config.ts';
import { seenLedgerWorkflowId } from '../../workflows/gate/contract.ts';
import { validateTriggerEvent } from '../../workflows/gate/validate.ts';
import { hostLedgerTaskQueue } from '../../workflows/shared/task-queues.ts';
import { nextBatch, receiveRecords } from '../../workflows/usage/decide.ts';
import { initialUsageLedgerState } from '../../workflows/usage/state.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';

const rejects = (parse: () => unknown, plugin: string) =>
  assert.throws(parse, (err: unknown) => err instanceof InvalidConfigError && err.pluginId === plugin && err.field === 'gatewayId' && /1–64 characters/.test(err.message));

test('lorene-gate and usage-ledger take an optional gatewayId, checked like the orchestrator’s', () => {
  assert.equal(parseGateConfig({}).gatewayId, undefined, 'unset: the fixed ledger queue, as before');
  assert.equal(parseUsageLedgerConfig({}).gatewayId, undefined);
  assert.equal(parseGateConfig({ gatewayId: 'east' }).gatewayId, 'east');
  assert.equal(parseUsageLedgerConfig({ gatewayId: 'gw.west_2' }).gatewayId, 'gw.west_2');
  for (const bad of ['a b', '', 'x'.repeat(65), 7]) {
    rejects(() => parseGateConfig({ gatewayId: bad }), 'lorene-gate');
    rejects(() => parseUsageLedgerConfig({ gatewayId: bad }), 'usage-ledger');
    rejects(() => parseOrchestratorConfig({ gatewayId: bad }), 'orchestrator');
  }
  assert.equal(parseOrchestratorConfig({}).gatewayId, 'default', 'the orchestrator keeps its default');
});

test('OPENCLAW_TEMPORAL_GATEWAY_ID: the worker serves its host’s ledger queue, and the fixed one only when SERVE_LEDGER says so', () => {
  const parse = (env: NodeJS.ProcessEnv) => parseWorkerConfig({ OPENCLAW_TEMPORAL_CODEC: 'off', ...env }, { dataDir: '/tmp/unused' });
  assert.deepEqual([parse({}).gatewayId, parse({}).serveLedger], [null, true], 'npm start unchanged: the fixed queue');
  assert.deepEqual([parse({ OPENCLAW_TEMPORAL_GATEWAY_ID: 'east' }).gatewayId, parse({ OPENCLAW_TEMPORAL_GATEWAY_ID: 'east' }).serveLedger], ['east', false]);
  assert.equal(parse({ OPENCLAW_TEMPORAL_GATEWAY_ID: 'east', OPENCLAW_TEMPORAL_SERVE_LEDGER: 'true' }).serveLedger, true);
  assert.throws(() => parse({ OPENCLAW_TEMPORAL_GATEWAY_ID: 'east/1' }), (err: unknown) => err instanceof InvalidWorkerConfigError && err.variable === 'OPENCLAW_TEMPORAL_GATEWAY_ID');
  assert.equal(hostLedgerTaskQueue('east'), 'openclaw-temporal-ledger/east');
});

test('usage records for the same file on two hosts wait in separate groups; each batch names its host', () => {
  const record = (eventId: string) => extractUsage({ runId: eventId, provider: 'anthropic', model: 'm', usage: { input: 1, output: 1 } }, 'llm_output', { eventId, now: 1 });
  let state = receiveRecords(initialUsageLedgerState('main'), { dbPath: '/l/u.db', gatewayId: 'east', records: [record('e1')] }).state;
  state = receiveRecords(state, { dbPath: '/l/u.db', gatewayId: 'east', records: [record('e2')] }).state;
  state = receiveRecords(state, { dbPath: '/l/u.db', gatewayId: 'west', records: [record('w1')] }).state;
  state = receiveRecords(state, { dbPath: '/l/u.db', records: [record('n1')] }).state;
  assert.deepEqual(state.pending.map((g) => [g.gatewayId ?? '(none)', g.records.length]), [['east', 2], ['west', 1], ['(none)', 1]]);
  assert.equal(nextBatch(state)?.gatewayId, 'east');
  assert.equal('gatewayId' in (state.pending[2] ?? {}), false, 'no host: no field, as before');
  const bad = receiveRecords(initialUsageLedgerState('main'), { dbPath: '/l/u.db', gatewayId: 'a b', records: [record('x')] });
  assert.match(bad.problem ?? '', /gatewayId/);
});

test('a gate event with an unusable gatewayId is malformed; a host has its own seen-messages ledger', () => {
  const trigger = (config: Record<string, unknown>) => ({ messageId: 'm', sender: '+1', text: 't', body: 'b', receivedAt: 1, config: { armTtlMs: 1, maxUsesPerArm: 1, missedResponseTtlMs: 1, dbPath: '/g.db', ...config } });
  assert.equal(validateTriggerEvent(trigger({})), null);
  assert.equal(validateTriggerEvent(trigger({ gatewayId: 'east' })), null);
  assert.match(validateTriggerEvent(trigger({ gatewayId: '' })) ?? '', /config\.gatewayId/);
  assert.equal(seenLedgerWorkflowId('whatsapp'), 'lorene-gate/whatsapp', 'unchanged without a host');
  assert.equal(seenLedgerWorkflowId('whatsapp', 'east'), 'lorene-gate/whatsapp@east');
});
