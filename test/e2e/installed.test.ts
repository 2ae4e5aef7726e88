// From the packed tarballs only: `npm run pack`, then a fresh OpenClaw state dir where each plugin is installed with
// `openclaw plugins install <tarball> --force` (--force confirms an archive from outside ClawHub). No clone is on the
// gateway's module path: no load paths, no link, and no file of the installed copies names this checkout. Then
// `openclaw plugins inspect --all --runtime --json` must be clean, and the lorene-gate demo runs through a gateway on
// the installed copies (the chat on the fake Telegram Bot API, as in gate.test.ts). The install is timed. The
// orchestrator's archive declares the Temporal worker SDK, which OpenClaw installs with npm (from the npm cache or
// the registry); the other three archives are self-contained. The worker is the packed worker package too, installed
// with npm into its own folder and run as its `openclaw-temporal worker` bin (what `npx openclaw-temporal worker`
// runs), not this checkout's worker.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OPENCLAW_TEMPORAL_VERSION } from '../../workflows/shared/version.ts';
import { EXPECTED_PLUGINS } from '../gateway/expected-plugins.ts';
import { inspectionProblems, parseInspections } from '../gateway/inspect.ts';
import type { OpenClawSandbox } from '../gateway/openclaw-cli.ts';
import { freePort } from '../helpers/processes.ts';
import { tempDir } from '../helpers/temporal.ts';
import { gateViolations, gatewayLogViolations, gateDump } from './auditor.ts';
import { chatRound, gateLedgerWritten } from './protected-chat.ts';
import { turnText, type ScriptedReply } from './fakes/model-server.ts';
import { startFakeTelegram, type FakeTelegram } from './fakes/telegram-bot-api.ts';
import { startStack, type E2EStack } from './harness.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FAMILY = 222;
const STRANGER = 333;
const installMs = new Map<string, number>();
const workerHome = tempDir('e2e-installed-worker');
const workerBin = join(workerHome.dir, 'node_modules', 'openclaw-temporal', 'bin', 'openclaw-temporal.mjs');

let stack: E2EStack;
let telegram: FakeTelegram;

const tarballOf = (id: string) => join(REPO, 'dist', `openclaw-temporal-${id}-${OPENCLAW_TEMPORAL_VERSION}.tgz`);

function respond(request: Parameters<Parameters<typeof startStack>[1]>[0], seq: number): ScriptedReply {
  const asked = /\b(q\d+)\b/.exec(turnText(request))?.[1] ?? `x${seq}`;
  return { kind: 'text', text: `reply to ${asked}`, usage: { input: 500 + seq, output: 5 + seq } };
}

async function installTarballs(sandbox: OpenClawSandbox): Promise<void> {
  // No gateway runs yet: the CLI installs for the next start. Its port is a free one, never a developer's gateway.
  await sandbox.writeConfig({ gateway: { mode: 'local', port: await freePort(), bind: 'loopback', auth: { mode: 'none' } }, logging: { file: sandbox.logFile } });
  for (const { id } of EXPECTED_PLUGINS) {
    const started = Date.now();
    await sandbox.run(['plugins', 'install', tarballOf(id), '--force', '--accept-capabilities'], 900_000);
    installMs.set(id, Date.now() - started);
  }
}

/** `npm install <worker tarball>` into a folder of its own, as a user installs the worker next to Temporal. */
function installWorkerPackage(): void {
  const started = Date.now();
  const tarball = join(REPO, 'dist', `openclaw-temporal-${OPENCLAW_TEMPORAL_VERSION}.tgz`);
  const npm = spawnSync('npm', ['install', '--prefix', workerHome.dir, tarball, '--no-audit', '--no-fund'], { cwd: workerHome.dir, encoding: 'utf8', timeout: 900_000 });
  assert.equal(npm.status, 0, `npm install of the worker package failed:\n${npm.stderr}`);
  installMs.set('worker package', Date.now() - started);
}

/** Every file of an installed plugin except its npm dependencies. */
function ownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? ownFiles(path) : [path];
  });
}

before(async () => {
  const packed = spawnSync(process.execPath, ['scripts/pack.mjs'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(packed.status, 0, `npm run pack failed:\n${packed.stderr}`);
  installWorkerPackage();
  telegram = await startFakeTelegram();
  stack = await startStack('e2e-installed', respond, {
    installPlugins: installTarballs,
    workerCommand: { args: [workerBin, 'worker'], cwd: workerHome.dir },
    withChannels: true,
    pluginConfig: { 'lorene-gate': { channel: 'telegram', protectedTo: [String(FAMILY)], allowedFrom: [String(FAMILY)], maxUsesPerArm: 2 } },
    extraConfig: {
      channels: {
        telegram: { enabled: true, botToken: telegram.token, apiRoot: telegram.apiRoot, dmPolicy: 'open', allowFrom: ['*'], streaming: { mode: 'off' }, network: { dangerouslyAllowPrivateNetwork: true } },
      },
      bindings: [{ agentId: 'main', match: { channel: 'telegram', accountId: 'default' } }],
    },
  });
  const times = [...installMs].map(([what, ms]) => `${what} ${ms} ms`).join(', ');
  process.stderr.write(`[installed test] plugins install <tarball>: ${times}; total ${[...installMs.values()].reduce((a, b) => a + b, 0)} ms\n`);
});

after(async () => {
  await stack?.stop();
  await telegram?.close();
  workerHome.cleanup();
});

test('the worker runs from the installed worker package, not from this checkout', () => {
  const commandLine = readFileSync(`/proc/${stack.worker.pid}/cmdline`, 'utf8').split('\0');
  assert.deepEqual(commandLine.slice(1, 3), [workerBin, 'worker']);
  assert.ok(!commandLine.some((arg) => arg.startsWith(REPO)), `nothing of the checkout on its command line: ${commandLine.join(' ')}`);
  const installed = JSON.parse(readFileSync(join(workerHome.dir, 'node_modules', 'openclaw-temporal', 'package.json'), 'utf8')) as { version: string };
  assert.equal(installed.version, OPENCLAW_TEMPORAL_VERSION);
});

test('the installed copies hold built JavaScript only, and nothing in them names this checkout', () => {
  for (const { id } of EXPECTED_PLUGINS) {
    const dir = join(stack.sandbox.stateDir, 'extensions', id);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; openclaw: { extensions: string[]; compat: object } };
    assert.deepEqual(pkg.openclaw.extensions, ['./dist/index.js'], id);
    assert.equal(pkg.version, OPENCLAW_TEMPORAL_VERSION, id);
    assert.ok(pkg.openclaw.compat, `${id} declares its OpenClaw compatibility`);
    assert.ok(existsSync(join(dir, 'dist', 'index.js')), `${id} has its built entry`);
    for (const file of ownFiles(dir)) {
      assert.doesNotMatch(file, /\.ts$/, `${id} ships no TypeScript`);
      assert.ok(!readFileSync(file, 'utf8').includes(REPO), `${file} does not name the checkout ${REPO}`);
    }
  }
});

test('openclaw plugins inspect --all --runtime --json: every installed plugin loaded from its archive install, every hook, no diagnostic', async () => {
  const { stdout } = await stack.sandbox.run(['plugins', 'inspect', '--all', '--runtime', '--json']);
  const inspections = parseInspections(stdout);
  assert.deepEqual(EXPECTED_PLUGINS.flatMap((p) => inspectionProblems(p, inspections)), []);
  for (const { id } of EXPECTED_PLUGINS) {
    const found = inspections.find((i) => i.plugin.id === id);
    assert.equal(found?.plugin.trust?.installSource, 'archive', id);
    assert.equal(found?.plugin.rootDir, join(stack.sandbox.stateDir, 'extensions', id), id);
  }
});

/** Sends one inbound message and waits until the gateway has answered it (delivered or the gate recorded a block). */
const say = (from: number, text: string, tag: string) => chatRound(telegram, stack.sandbox.stateDir, from, text, tag);

test('the lorene-gate demo through the gateway on the installed copies, and the worker version handshake passes', { timeout: 900_000 }, async () => {
  const why = () => `\n${gateDump(stack.sandbox.stateDir)}`;
  assert.equal(await say(FAMILY, 'friday: q1 what is on the agenda?', 'q1'), 'delivered', `the trigger's reply goes out${why()}`);
  assert.equal(await say(FAMILY, 'q2 and tomorrow?', 'q2'), 'delivered', `second use${why()}`);
  assert.equal(await say(FAMILY, 'q3 thanks!', 'q3'), 'blocked', `uses spent: cancelled and recorded as blocked${why()}`);
  assert.equal(await say(STRANGER, 'friday: q4 let me in', 'q4'), 'delivered', 'an unprotected chat is not gated');
  await gateLedgerWritten(stack.server.client, 'telegram', `+${FAMILY}`);
  assert.deepEqual(gateViolations(stack.sandbox.stateDir, telegram.delivered, new Set([String(FAMILY)])), []);
  assert.deepEqual(gatewayLogViolations(stack.gatewayLogs()), []);
  assert.match(stack.gatewayLogs(), /lorene-gate[^\n]*the worker runs the same openclaw-temporal version|the worker runs the same openclaw-temporal version[^\n]*lorene-gate/);
  assert.doesNotMatch(stack.gatewayLogs(), /version mismatch/);
});
