/**
 * lorene-gate through OpenClaw's real loader and hook runner (Node 24), against a real dev server and the real
 * worker: the manifest is enforced, and hooks fired by OpenClaw's runner give allow / cancel / wrapped content.
 * WhatsApp itself is the only fake: events are what OpenClaw's WhatsApp channel would pass to the hooks.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRows } from '../helpers/sqlite.ts';
import { eventually, startLedgerWorker, tempDir } from '../helpers/temporal.ts';
import { seenLedgerWorkflowId } from '../../workflows/gate/contract.ts';
import { hostLedgerTaskQueue } from '../../workflows/shared/task-queues.ts';
import { withOpenClawHost } from './with-host.ts';

const pluginDir = fileURLToPath(new URL('../../plugin-bridge/lorene-gate/', import.meta.url));
const PROTECTED = '+491701234567';
const ALLOWED = '+15550001';
const OTHER = '+15559999';
const tmp = tempDir('gate-openclaw');
const dbPath = join(tmp.dir, 'lorene-gate.db');

const stack = withOpenClawHost({ temporal: true });
stack.onTeardown(() => tmp.cleanup());
let messageCounter = 0;

const gateConfig = (overrides: Record<string, unknown> = {}) => ({
  protectedTo: ['+49 170 1234567'],
  allowedFrom: [ALLOWED],
  wrapperTargets: [PROTECTED],
  temporalAddress: stack.env.address,
  dbPath,
  decisionTimeoutMs: 3000,
  ...overrides,
});
const whatsapp = (conversationId: string) => ({ channelId: 'whatsapp', conversationId });
const inbound = (from: string, content: string, conversationId = PROTECTED) =>
  stack.host.run('runMessageReceived', { from, content, messageId: `wa-${++messageCounter}` }, whatsapp(conversationId));
const outbound = (to: string, content: string, channelId = 'whatsapp') => stack.host.run('runMessageSending', { to, content }, { channelId, conversationId: to });
const rows = <T>(sql: string, ...params: unknown[]): T[] => readRows<T>(dbPath, sql, ...params);
type Sent = { content?: string; cancel?: boolean; cancelReason?: string };
/** The runner's merged result; `{}` when no handler returned anything (the message goes out unchanged). */
const result = (run: Awaited<ReturnType<typeof outbound>>): Sent => {
  assert.equal(run.ok, true, run.ok ? '' : run.error);
  return ((run.ok ? run.result : undefined) ?? {}) as Sent;
};

describe('lorene-gate in OpenClaw’s real loader and hook runner', () => {
  test('a config of the wrong type or with an unknown key is rejected by the manifest schema, naming the field', async () => {
    const wrongType = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig: { armTtlMs: 'soon' } });
    assert.equal(wrongType.status, 'error');
    assert.match(wrongType.error ?? '', /armTtlMs/);
    const unknownKey = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig: { protectedTO: [] } });
    assert.equal(unknownKey.status, 'error');
    assert.match(unknownKey.error ?? '', /protectedTO/);
  });

  test('enabled: false registers no hooks: both hooks do nothing', async () => {
    const loaded = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig: gateConfig({ enabled: false }) });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.deepEqual(loaded.hookNames, []);
    assert.equal(result(await outbound(PROTECTED, 'not gated')).cancel, undefined);
  });

  test('the plugin loads from its folder with both hooks and its Temporal service', async () => {
    const loaded = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig: gateConfig() });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.deepEqual(loaded.hookNames.toSorted(), ['message_received', 'message_sending', 'reply_payload_sending']);
    assert.deepEqual(loaded.services, ['lorene-gate-temporal']);
    await stack.host.startServices({ stateDir: tmp.dir });
  });

  test('a reply to a protected peer without a trigger is cancelled, and the ledger records it as blocked', async () => {
    const sent = result(await outbound(PROTECTED, 'unsolicited'));
    assert.equal(sent.cancel, true);
    assert.match(sent.cancelReason ?? '', /no-arm/);
    await eventually('blocked row', () => (rows('SELECT * FROM blocked_messages WHERE content LIKE ?', '%unsolicited%').length === 1 ? true : undefined));
  });

  test('after an allowed trigger the reply is delivered, wrapped for a wrapper target', async () => {
    assert.equal((await inbound(ALLOWED, 'Friday: what is on tonight?')).ok, true);
    const sent = result(await outbound(PROTECTED, '  a film  '));
    assert.notEqual(sent.cancel, true);
    assert.equal(sent.content, '↓↓↓ F.R.I.D.A.Y. ↓↓↓\na film\n↑↑↑ F.R.I.D.A.Y. ↑↑↑');
    await eventually('responded request', () => (rows("SELECT * FROM requests WHERE status = 'responded' AND peer = ?", PROTECTED).length >= 1 ? true : undefined));
    // The ledger keeps the text before wrapping, trimmed, as the original did; the peer got the wrapped text.
    await eventually('the response row', () => (rows("SELECT * FROM responses WHERE kind = 'text' AND content = ?", 'a film').length === 1 ? true : undefined));
    assert.equal(rows('SELECT * FROM responses WHERE content LIKE ?', '%F.R.I.D.A.Y.%').length, 0);
  });

  test('an outbound decision never overtakes the inbound trigger fired just before it', async () => {
    await outbound(PROTECTED, 'use up 1');
    await outbound(PROTECTED, 'use up 2');
    const exhausted = result(await outbound(PROTECTED, 'no uses left'));
    assert.equal(exhausted.cancel, true);
    const trigger = inbound(ALLOWED, 'friday: and tomorrow?');
    const reply = outbound(PROTECTED, 'tomorrow: a series');
    const [t, r] = await Promise.all([trigger, reply]);
    assert.equal(t.ok, true);
    assert.notEqual(result(r).cancel, true, 'the reply saw the arm of the trigger sent first');
  });

  test('a trigger from someone not allowed does not arm; every inbound message is recorded as seen', async () => {
    await outbound(PROTECTED, 'drain 1');
    await outbound(PROTECTED, 'drain 2');
    assert.equal((await inbound(OTHER, 'friday: let me in')).ok, true);
    assert.equal(result(await outbound(PROTECTED, 'should not go out')).cancel, true);
    assert.equal((await inbound(OTHER, 'hello there', OTHER)).ok, true);
    await eventually('seen rows for both', () => (rows('SELECT * FROM seen_messages WHERE sender = ? AND triggered = 0', OTHER).length === 2 ? true : undefined));
  });

  test('unprotected peers and other channels pass without any gate workflow', async () => {
    const passed = result(await outbound(OTHER, 'hi'));
    assert.equal(passed.cancel, undefined);
    assert.equal(passed.content, undefined, 'unchanged');
    assert.notEqual(result(await outbound(PROTECTED, 'on telegram', 'telegram')).cancel, true);
    const gates = await stack.env.client.workflow.count(`OpenClawPeer = "${OTHER}"`);
    assert.equal(gates.count, 0);
  });

  test('a payload without text (media) is gated too, in reply_payload_sending and in message_sending, one use per payload', async () => {
    // OpenClaw's legacy reply dispatcher skips message_sending for a payload without text (deliver-prepare-*.mjs,
    // buildLegacyInboundMessageSendingBeforeDeliver: `if (!payload.text) return payload`), so the gate also
    // answers reply_payload_sending for such payloads; the durable path sends them to message_sending with ''.
    const cat = 'https://media.example/cat.jpg';
    const payload = (url: string) => stack.host.run('runReplyPayloadSending', { payload: { mediaUrl: url }, kind: 'final', channel: 'whatsapp' }, whatsapp(PROTECTED));
    const mediaSend = (url: string) =>
      stack.host.run('runMessageSending', { to: PROTECTED, content: '', metadata: { channel: 'whatsapp', mediaUrls: [url] } }, whatsapp(PROTECTED));
    const cancelled = (run: Awaited<ReturnType<typeof payload>>) => (result(run) as { cancel?: boolean }).cancel === true;
    assert.ok(cancelled(await payload(cat)), 'no arm: the media payload is cancelled');
    assert.ok(cancelled(await mediaSend(cat)), 'no arm: media-only message_sending is cancelled');
    assert.equal((await inbound(ALLOWED, 'friday: send me a picture')).ok, true);
    assert.ok(!cancelled(await payload(cat)), 'armed: allowed (one use)');
    assert.ok(!cancelled(await mediaSend(cat)), 'the same payload passes message_sending without a second use');
    assert.ok(!cancelled(await mediaSend('https://media.example/dog.jpg')), 'another media message: decided, one use');
    const gate = await stack.env.client.workflow.getHandle(`lorene-gate/whatsapp/${PROTECTED}`).query<{ arm: { usesLeft: number } | null }>('lorene-gate.state');
    assert.equal(gate.arm?.usesLeft, 1, 'two uses for two media messages');
    await eventually('media rows', () => (rows('SELECT * FROM responses WHERE kind = ? AND content LIKE ?', 'text', '[media] %').length === 2 ? true : undefined));
  });

  test('with a gatewayId the events name the host: trigger, decision and seen rows are written by that host’s ledger worker', async () => {
    const eastDb = join(tmp.dir, 'east-lorene-gate.db');
    const loaded = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig: gateConfig({ dbPath: eastDb, gatewayId: 'east' }) });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    await stack.host.startServices({ stateDir: tmp.dir });
    const east = await startLedgerWorker(stack.env, 'east');
    try {
      assert.equal((await inbound(ALLOWED, 'friday: from the east host')).ok, true);
      assert.notEqual(result(await outbound(PROTECTED, 'east reply')).cancel, true);
      assert.equal((await inbound(OTHER, 'seen on east', OTHER)).ok, true);
      const eastRows = (sql: string, ...params: unknown[]) => (existsSync(eastDb) ? readRows(eastDb, sql, ...params).length : 0);
      await eventually('the rows in east’s file', () =>
        eastRows("SELECT * FROM responses WHERE content = 'east reply'") === 1 && eastRows('SELECT * FROM seen_messages WHERE sender = ? AND peer = ?', OTHER, OTHER) >= 1 ? true : undefined);
      const gate = await stack.env.client.workflow.getHandle(`lorene-gate/whatsapp/${PROTECTED}`).query<{ config: { gatewayId?: string } | null }>('lorene-gate.state');
      assert.equal(gate.config?.gatewayId, 'east');
      const seen = await stack.env.client.workflow.getHandle(seenLedgerWorkflowId('whatsapp', 'east')).fetchHistory();
      const queues = (seen.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.taskQueue?.name] : []));
      assert.deepEqual([...new Set(queues)], [hostLedgerTaskQueue('east')], 'the host’s own seen-messages ledger, on its queue');
    } finally {
      await east.stop();
      await stack.host.stopServices();
    }
  });

  test('Temporal unreachable: protected peers are cancelled within decisionTimeoutMs, others unaffected, nothing thrown', async () => {
    const loaded = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig: gateConfig({ temporalAddress: '127.0.0.1:1', decisionTimeoutMs: 1500 }) });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    await stack.host.startServices({ stateDir: tmp.dir });
    const started = Date.now();
    const sent = result(await outbound(PROTECTED, 'while Temporal is down'));
    const elapsed = Date.now() - started;
    process.stderr.write(`fail-closed decision took ${elapsed} ms (decisionTimeoutMs 1500)\n`);
    assert.equal(sent.cancel, true);
    assert.match(sent.cancelReason ?? '', /Temporal gave no decision/);
    assert.ok(elapsed < 1500 + 2000, `cancelled within the bound (${elapsed} ms)`);
    assert.equal(result(await outbound(OTHER, 'unaffected')).cancel, undefined);
    assert.equal((await inbound(ALLOWED, 'friday: still there?')).ok, true);
    const logs = await stack.host.logs();
    assert.ok(logs.some((l) => l.level === 'warn' && /cancelled \(fail closed\)/.test(l.message) && /\+49…67/.test(l.message)), 'warned with the peer and reason');
    await stack.host.stopServices();
  });

  test('no unhandled rejection or uncaught exception reached the gateway process', async () => {
    assert.deepEqual(await stack.host.unhandled(), []);
  });
});
