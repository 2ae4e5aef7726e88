/**
 * The gate's outbox delivers at least once: a gateway that dies after a fact reached Temporal and before the
 * outbox cursor moved delivers it again on its next start. A trigger without a message id must still be applied
 * once (the bridge gives every trigger a fact id when it observes it). Through OpenClaw's real loader and hook
 * runner; the second delivery is the outbox line written twice, as such a crash leaves it.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gateOutboxPath } from '../../plugin-bridge/lorene-gate/index.ts';
import { gateStateQuery, gateWorkflowId } from '../../workflows/gate/contract.ts';
import { readRows } from '../helpers/sqlite.ts';
import { eventually, tempDir } from '../helpers/temporal.ts';
import { withProxiedTemporal } from './with-proxied-temporal.ts';

const pluginDir = fileURLToPath(new URL('../../plugin-bridge/lorene-gate/', import.meta.url));
const PROTECTED = '+491701234567';
const ALLOWED = '+15550001';
const tmp = tempDir('gate-redelivery');
const dbPath = join(tmp.dir, 'lorene-gate.db');
const stateDir = join(tmp.dir, 'state');

const outage = withProxiedTemporal('refuse');
const { stack } = outage;
stack.onTeardown(() => tmp.cleanup());

async function loadGate(): Promise<void> {
  const pluginConfig = { protectedTo: [PROTECTED], allowedFrom: [ALLOWED], temporalAddress: outage.proxy.address, dbPath, decisionTimeoutMs: 1500, maxUsesPerArm: 3 };
  const loaded = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig });
  assert.equal(loaded.status, 'loaded', loaded.error ?? '');
  await stack.host.startServices({ stateDir });
}

test('a trigger without a message id delivered twice from the outbox arms once', async () => {
  await loadGate();
  const whatsapp = { channelId: 'whatsapp', conversationId: PROTECTED };
  assert.equal((await stack.host.run('runMessageReceived', { from: ALLOWED, content: 'friday: no id on this one' }, whatsapp)).ok, true);
  await stack.host.stopServices();
  const outbox = gateOutboxPath(stateDir);
  const line = readFileSync(outbox, 'utf8').trim();
  assert.match(line, /"factId":"[0-9a-f-]{36}"/, 'the bridge gave the trigger its fact id when it observed it');
  appendFileSync(outbox, `${line}\n`); // delivered, then the gateway died before the cursor moved

  await loadGate();
  outage.proxy.setMode('forward');
  await eventually('the outbox delivered', () => (existsSync(outbox) ? undefined : true), 30_000);
  const state = await stack.env.client.workflow.getHandle(gateWorkflowId('whatsapp', PROTECTED)).query(gateStateQuery);
  assert.equal(state.counters.triggers, 1, 'applied once');
  assert.equal(state.counters.duplicates, 1, 'the second delivery recognised');
  await eventually('the request row', () => (readRows(dbPath, 'SELECT * FROM requests WHERE peer = ?', PROTECTED).length === 1 ? true : undefined));
  // Two uses, then the third: the repeated delivery did not give any back.
  const send = async (content: string) => ((await stack.host.run('runMessageSending', { to: PROTECTED, content }, whatsapp)) as { ok: true; result?: { cancel?: boolean } }).result?.cancel === true;
  assert.deepEqual([await send('one'), await send('two'), await send('three'), await send('four')], [false, false, false, true]);
  await stack.host.stopServices();
});
