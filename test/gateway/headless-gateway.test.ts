// Our plugins in a real, headless `openclaw gateway run` (openclaw on its Node 24 binary, loopback only, no model
// credentials, isolated home/state/config) against a real Temporal dev server: loaded from plugins.load.paths and,
// in a second sandbox, installed with `openclaw plugins install --link`. `openclaw plugins inspect --runtime --json`
// must show every expected hook, and the gateway must stop cleanly on SIGTERM with every plugin service stopped.
// Inspect runs once with --all per sandbox: one CLI start costs ~10 s, whether it reports one plugin or all.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort } from '../helpers/processes.ts';
import { startTestServer } from '../helpers/temporal.ts';
import { EXPECTED_PLUGINS, PLUGIN_BRIDGE_DIR, pluginEntry, pluginFoldersWithManifest, type ExpectedPlugin } from './expected-plugins.ts';
import { inspectionProblems, parseInspections, type PluginInspection } from './inspect.ts';
import { createSandbox, type OpenClawSandbox } from './openclaw-cli.ts';

const READY_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 30_000;
const present = EXPECTED_PLUGINS.filter((p) => pluginFoldersWithManifest().includes(p.id));
const dirOf = (p: ExpectedPlugin) => join(PLUGIN_BRIDGE_DIR, p.id);

function baseConfig(sandbox: OpenClawSandbox, port: number, address: string) {
  return {
    gateway: { mode: 'local', port, bind: 'loopback', auth: { mode: 'none' } },
    logging: { file: sandbox.logFile },
    plugins: { entries: Object.fromEntries(present.map((p) => [p.id, pluginEntry(p, address)])) },
  };
}

async function inspectAll(sandbox: OpenClawSandbox): Promise<PluginInspection[]> {
  const started = Date.now();
  const { stdout } = await sandbox.run(['plugins', 'inspect', '--all', '--runtime', '--json']);
  process.stderr.write(`[gateway test] plugins inspect --all --runtime took ${Date.now() - started} ms\n`);
  return parseInspections(stdout);
}

function acceptsOn(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('our plugins in a real headless OpenClaw gateway', { concurrency: true }, () => {
  let server: TestWorkflowEnvironment;

  before(async () => {
    server = await startTestServer();
  });

  after(async () => {
    await server?.teardown();
  });

  test('every plugin folder with a manifest has a row in the expected-hooks table', () => {
    const known = new Set(EXPECTED_PLUGINS.map((p) => p.id));
    const folders = pluginFoldersWithManifest();
    assert.deepEqual(folders.filter((id) => !known.has(id)), [], 'add the new plugin to test/gateway/expected-plugins.ts');
    assert.ok(present.some((p) => p.id === 'lorene-gate'), 'lorene-gate is always checked');
  });

  test('the inspection check fails on a plugin that did not load, a hook that was dropped, or any diagnostic', () => {
    const expected: ExpectedPlugin = { id: 'p', hooks: ['llm_input', 'llm_output'], conversationAccess: true, startedLog: '' };
    const dropped = 'typed hook "llm_output" blocked because non-bundled plugins must set plugins.entries.p.hooks.allowConversationAccess=true';
    const inspection = (status: string, hooks: string[], messages: string[] = []): PluginInspection => ({
      plugin: { id: 'p', status, error: status === 'error' ? 'invalid config' : null },
      typedHooks: hooks.map((name) => ({ name })),
      services: [],
      diagnostics: messages.map((message) => ({ level: 'warn', message })),
    });
    assert.deepEqual(inspectionProblems(expected, [inspection('loaded', ['llm_input', 'llm_output'])]), []);
    assert.deepEqual(inspectionProblems(expected, [inspection('loaded', ['llm_input'], [dropped])]), ['p: hook llm_output not registered', `p: diagnostic warn: ${dropped}`]);
    assert.deepEqual(inspectionProblems(expected, [inspection('error', [])]), ['p: status error (invalid config)', 'p: hook llm_input not registered', 'p: hook llm_output not registered']);
    assert.deepEqual(inspectionProblems(expected, []), ['p: not discovered at all']);
  });

  test('loaded from plugins.load.paths: the gateway gets ready, every hook is registered, SIGTERM stops it cleanly', async (t) => {
    const sandbox = await createSandbox('openclaw-gateway-paths');
    t.after(() => sandbox.cleanup());
    const port = await freePort();
    const config = baseConfig(sandbox, port, server.address);
    await sandbox.writeConfig({
      ...config,
      plugins: { ...config.plugins, allow: present.map((p) => p.id), load: { paths: present.map(dirOf) } },
    });
    const gateway = sandbox.startGateway(port);
    try {
      const readyMs = await gateway.ready(READY_TIMEOUT_MS);
      process.stderr.write(`[gateway test] gateway ready in ${readyMs} ms with ${present.map((p) => p.id).join(', ')}\n`);
      assert.equal(await acceptsOn('127.0.0.1', port), true, 'the gateway listens on loopback');
      assert.match(gateway.output(), new RegExp(`http server listening \\(\\d+ plugins: [^)]*${present[0]?.id}`));
      for (const p of present) if (p.startedLog) assert.ok(gateway.output().includes(p.startedLog), `${p.id} service started: "${p.startedLog}"`);

      const inspections = await inspectAll(sandbox);
      assert.deepEqual(present.flatMap((p) => inspectionProblems(p, inspections)), []);
    } finally {
      const how = await gateway.stop(STOP_TIMEOUT_MS);
      t.diagnostic(`gateway exit: ${how}`);
    }
    const output = gateway.output();
    assert.match(output, /received SIGTERM; shutting down/);
    assert.match(output, /\[shutdown\] completed cleanly/, output.split('\n').slice(-30).join('\n'));
    assert.doesNotMatch(output, /plugin service (stop )?failed/);
    assert.equal(gateway.child.exitCode, 0);
    for (const p of present) if (p.stoppedLog) assert.ok(output.includes(p.stoppedLog), `${p.id} service stopped: "${p.stoppedLog}"`);
    const polling = output.split('gateway activity worker polling').length - 1;
    const stopped = output.split('gateway activity worker stopped').length - 1;
    assert.equal(stopped, polling, 'every gateway activity worker that polled has stopped');
  });

  test('installed with `plugins install --link` and enabled: every plugin loads from its install record with every hook', async (t) => {
    const sandbox = await createSandbox('openclaw-gateway-install');
    t.after(() => sandbox.cleanup());
    await sandbox.writeConfig(baseConfig(sandbox, await freePort(), server.address));
    for (const p of present) await sandbox.run(['plugins', 'install', '--link', dirOf(p), '--force', '--accept-capabilities']);
    await sandbox.run(['plugins', 'enable', ...present.map((p) => p.id)]);

    const written = (await sandbox.readConfig()) as { plugins?: { load?: { paths?: string[] } } };
    assert.deepEqual([...(written.plugins?.load?.paths ?? [])].sort(), present.map(dirOf).sort(), 'install --link records the source folders');
    const inspections = await inspectAll(sandbox);
    assert.deepEqual(present.flatMap((p) => inspectionProblems(p, inspections)), []);
    for (const p of present) {
      const found = inspections.find((i) => i.plugin.id === p.id);
      assert.equal(found?.plugin.trust?.installSource, 'path', `${p.id} has a managed install record`);
    }
  });
});
