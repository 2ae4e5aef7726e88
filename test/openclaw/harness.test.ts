// Proves the OpenClaw harness itself: a TypeScript plugin in our tree loads through OpenClaw's real loader (Node 24),
// its manifest schema is enforced, its hooks run through the real global hook runner, and its service reaches api.runtime.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { withOpenClawHost } from './with-host.ts';

const probeDir = fileURLToPath(new URL('./fixtures/probe/', import.meta.url));
const toolCtx = { toolName: 'exec', sessionKey: 'agent:main:main' };

const stack = withOpenClawHost({ started: async ({ host }) => {
  const info = await host.info();
  process.stderr.write(`openclaw host ready (node ${info.node}, openclaw ${info.openclaw}, import ${info.importMs} ms)\n`);
} });

describe('the OpenClaw harness runs our plugins in the real loader', () => {
  test('the probe loads from its TypeScript source with the schema default applied', async () => {
    const loaded = await stack.host.load({ pluginDir: probeDir, pluginId: 'probe' });
    process.stderr.write(`probe load took ${loaded.loadMs} ms\n`);
    assert.equal(loaded.status, 'loaded', loaded.error ?? '');
    assert.deepEqual(loaded.hookNames.toSorted(), ['before_tool_call', 'message_sending']);
    assert.deepEqual(loaded.services, ['probe-service']);
    const logs = await stack.host.logs();
    assert.ok(
      logs.some((l) => l.message === 'probe registered: blockTool=exec, temporal client resolved'),
      'the probe logs through api.logger, sees the default blockTool and resolves @temporalio/client from the repository',
    );
  });

  test('an unknown config key is rejected by the manifest schema, naming the key', async () => {
    const loaded = await stack.host.load({ pluginDir: probeDir, pluginId: 'probe', pluginConfig: { bogus: true } });
    assert.equal(loaded.status, 'error');
    assert.match(loaded.error ?? '', /invalid config: .*"bogus"/);
    assert.deepEqual(loaded.hookNames, []);
  });

  test('before_tool_call blocks the configured tool and lets other tools through', async () => {
    await stack.host.load({ pluginDir: probeDir, pluginId: 'probe', pluginConfig: { blockTool: 'write' } });
    const blocked = await stack.host.run('runBeforeToolCall', { toolName: 'write', params: {} }, { ...toolCtx, toolName: 'write' });
    assert.deepEqual(blocked, { ok: true, result: { block: true, blockReason: 'blocked by probe' } });
    const allowed = await stack.host.run('runBeforeToolCall', { toolName: 'exec', params: {} }, toolCtx);
    assert.equal(allowed.ok, true);
    assert.equal(allowed.ok && (allowed.result as { block?: boolean } | undefined)?.block, undefined);
  });

  test('message_sending rewrites the outgoing text', async () => {
    await stack.host.load({ pluginDir: probeDir, pluginId: 'probe' });
    const sent = await stack.host.run('runMessageSending', { to: 'u1', content: 'hello' }, { channelId: 'telegram', conversationId: 'u1' });
    assert.deepEqual(sent, { ok: true, result: { content: '[p] hello' } });
  });

  test('a service starts with the state dir and reaches the system event queue through api.runtime', async () => {
    await stack.host.load({ pluginDir: probeDir, pluginId: 'probe' });
    assert.deepEqual(await stack.host.startServices(), { started: ['probe-service'] });
    const events = await stack.host.peekSystemEvents('agent:main:main');
    assert.deepEqual(events.map((e) => e.text), ['probe service started']);
    assert.deepEqual(await stack.host.stopServices(), { stopped: ['probe-service'] });
    const serviceLogs = (await stack.host.logs()).filter((l) => l.source === 'service').map((l) => l.message);
    assert.deepEqual(serviceLogs, [`probe service started in ${stack.host.dirs.stateDir}`, 'probe service stopped']);
  });

  test('an unknown hook runner method is reported, not silently ignored', async () => {
    await assert.rejects(stack.host.run('runNoSuchHook', {}, {}), /has no method "runNoSuchHook"/);
  });

  test('no unhandled rejection or uncaught exception happened in the host', async () => {
    assert.deepEqual(await stack.host.unhandled(), []);
  });
});
