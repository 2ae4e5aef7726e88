/**
 * lorene-gate's config through OpenClaw's real loader (Node 24): every config the original manifest accepted
 * loads, with the original's clamps and a warning naming each clamped field; a config the gate cannot use (a
 * triggerRegex that does not compile) keeps the protected chats silent instead of failing the plugin load.
 * The last test runs the clamped values through a real dev server and worker.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer, startWorkers, tempDir } from '../helpers/temporal.ts';
import { withOpenClawHost } from './with-host.ts';

const pluginDir = fileURLToPath(new URL('../../plugin-bridge/lorene-gate/', import.meta.url));
const PROTECTED = '+491701234567';
const OTHER = '+15559999';

const stack = withOpenClawHost();
type Sent = { content?: string; cancel?: boolean; cancelReason?: string };
const send = async (to: string, content: string, channelId = 'whatsapp'): Promise<Sent> => {
  const run = await stack.host.run('runMessageSending', { to, content }, { channelId, conversationId: to });
  assert.equal(run.ok, true, run.ok ? '' : run.error);
  return ((run.ok ? run.result : undefined) ?? {}) as Sent;
};
const warningsSince = async (count: number): Promise<string[]> =>
  (await stack.host.logs()).slice(count).filter((l) => l.level === 'warn').map((l) => l.message);

describe('lorene-gate config edge values in OpenClaw’s real loader', () => {
  test('the original’s edge values load and are clamped, each with a warning naming the field', async () => {
    const before = (await stack.host.logs()).length;
    const loaded = await stack.host.load({
      pluginDir,
      pluginId: 'lorene-gate',
      pluginConfig: { protectedTo: [PROTECTED], armTtlMs: 0, maxUsesPerArm: 0.5, missedResponseTtlMs: -1, triggerRegex: '', dbPath: '' },
    });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.deepEqual(loaded.hookNames.toSorted(), ['message_received', 'message_sending', 'reply_payload_sending']);
    const warnings = await warningsSince(before);
    for (const [field, says] of [['armTtlMs', /raised to 15000/], ['maxUsesPerArm', /1 is used/], ['missedResponseTtlMs', /raised to 30000/], ['triggerRegex', /empty/], ['dbPath', /empty/]] as const) {
      assert.ok(warnings.some((w) => w.includes(`config: ${field} `) && says.test(w)), `a warning for ${field}: ${warnings.join('\n')}`);
    }
  });

  test('an empty channel loads too: no channel matches it, as in the original, and a warning says so', async () => {
    const before = (await stack.host.logs()).length;
    const loaded = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig: { protectedTo: [PROTECTED], channel: '' } });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.ok((await warningsSince(before)).some((w) => w.includes('config: channel ')));
  });

  test('a triggerRegex that does not compile: the plugin stays loaded and protected chats are silent (fail closed)', async () => {
    const before = (await stack.host.logs()).length;
    const loaded = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig: { protectedTo: ['+49 170 1234567'], triggerRegex: '(' } });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.deepEqual(loaded.hookNames, ['message_sending']);
    const errors = (await stack.host.logs()).slice(before).filter((l) => l.level === 'error').map((l) => l.message);
    assert.ok(errors.some((e) => /FAIL CLOSED/.test(e) && e.includes('triggerRegex')), errors.join('\n'));

    const toProtected = await send(PROTECTED, 'a reply nobody asked for');
    assert.equal(toProtected.cancel, true);
    assert.match(toProtected.cancelReason ?? '', /triggerRegex/);
    assert.equal((await send(OTHER, 'to an unprotected peer')).cancel, undefined, 'unprotected peers are not affected');
    assert.equal((await send(PROTECTED, 'same number, other channel', 'telegram')).cancel, undefined, 'other channels are not affected');
    assert.deepEqual(await stack.host.unhandled(), []);
  });

  test('a bad triggerRegex with enabled: false registers nothing (the gate was switched off)', async () => {
    const loaded = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig: { protectedTo: [PROTECTED], triggerRegex: '(', enabled: false } });
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.deepEqual(loaded.hookNames, []);
  });

  test('the clamped values work end to end: an empty triggerRegex arms on any message, maxUsesPerArm 0.5 gives one answer', async () => {
    const env = await startTestServer();
    const workers = await startWorkers(env);
    const tmp = tempDir('gate-config-e2e');
    try {
      const ALLOWED = '+15550001';
      const pluginConfig = { protectedTo: [PROTECTED], allowedFrom: [ALLOWED], triggerRegex: '', maxUsesPerArm: 0.5, armTtlMs: 0, missedResponseTtlMs: -1,
        temporalAddress: env.address, dbPath: join(tmp.dir, 'gate.db') };
      const loaded = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig });
      assert.equal(loaded.status, 'loaded', loaded.error ?? '');
      await stack.host.startServices({ stateDir: tmp.dir });
      const received = await stack.host.run('runMessageReceived', { from: ALLOWED, content: 'no prefix at all', messageId: 'wa-e2e-1' }, { channelId: 'whatsapp', conversationId: PROTECTED });
      assert.equal(received.ok, true);
      assert.notEqual((await send(PROTECTED, 'the one answer')).cancel, true);
      assert.equal((await send(PROTECTED, 'a second answer')).cancel, true, 'one use per arm');
    } finally {
      await stack.host.stopServices();
      await workers.stop();
      await env.teardown();
      tmp.cleanup();
    }
  });
});
