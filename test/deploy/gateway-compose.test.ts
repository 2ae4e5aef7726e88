// docker-compose.gateway.yml, the example of an OpenClaw gateway with the packed plugins next to docker-compose.yml's
// Temporal and worker, checked without a Docker engine: Debian's `docker-compose config` must accept the two files
// merged; the gateway image (deploy/gateway/Dockerfile) must copy exactly the tarballs `npm run pack` writes for
// this version and start from the OpenClaw release the plugins are tested against; and its entrypoint
// (deploy/gateway/install-plugins.sh) runs natively here on real packed tarballs: it installs a version that is not
// installed, skips one that is, then runs the gateway command. (test/e2e/installed.test.ts runs the real installs.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OPENCLAW_VERSION } from '../../scripts/openclaw-host.mjs';
import { PLUGINS } from '../../scripts/pack.mjs';
import { composeConfig, composeMissing, mounts, publishedPorts, REPO, type ComposeConfig } from './compose-config.ts';
import { dockerfileArgs, dockerfileCopies, GATEWAY_COMPOSE, GATEWAY_ENV, packageVersion, pluginTarballs } from './packed-images.ts';

const GATEWAY_DOCKERFILE = 'deploy/gateway/Dockerfile';
const SCRIPT = join(REPO, 'deploy/gateway/install-plugins.sh');

describe('docker-compose.gateway.yml merged over docker-compose.yml', { skip: composeMissing() ?? false }, () => {
  let compose: ComposeConfig;
  const service = (name: string) => compose.services[name] ?? assert.fail(`no service ${name}`);

  before(() => {
    compose = composeConfig(['docker-compose.yml', GATEWAY_COMPOSE], GATEWAY_ENV);
  });

  test('the gateway starts after a healthy worker, reaches Temporal by its service name and shares the worker’s payload keys', () => {
    const gateway = service('openclaw-gateway');
    assert.equal(gateway.depends_on?.worker?.condition, 'service_healthy');
    assert.equal(gateway.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
    assert.equal(gateway.environment?.OPENCLAW_TEMPORAL_KEY_FILE, service('worker').environment?.OPENCLAW_TEMPORAL_KEY_FILE);
    assert.ok(gateway.healthcheck?.test, 'the gateway has a health check');
    assert.deepEqual(publishedPorts(gateway), [18789]);
    assert.ok(mounts(gateway).some((m) => m.source === 'openclaw-home' && m.target === '/home/node/.openclaw'), 'the state dir is a named volume');
    assert.equal(gateway.image, `openclaw-temporal-gateway:${packageVersion()}`);
    assert.equal(gateway.build?.dockerfile, GATEWAY_DOCKERFILE);
  });

  test('without OPENCLAW_GATEWAY_TOKEN, compose refuses to start the gateway', () => {
    assert.throws(() => composeConfig(['docker-compose.yml', GATEWAY_COMPOSE]), /OPENCLAW_GATEWAY_TOKEN/);
  });
});

describe('the gateway image', () => {
  test('it starts from the OpenClaw release the plugins are tested against and copies the tarballs `npm run pack` writes', () => {
    const args = dockerfileArgs(GATEWAY_DOCKERFILE);
    assert.equal(args.OPENCLAW_VERSION, OPENCLAW_VERSION);
    assert.equal(args.VERSION, packageVersion());
    assert.deepEqual(dockerfileCopies(GATEWAY_DOCKERFILE), [...pluginTarballs(packageVersion()).map((t) => `dist/${t}`), 'deploy/gateway/install-plugins.sh']);
  });
});

describe('deploy/gateway/install-plugins.sh, run natively on packed tarballs', () => {
  const root = mkdtempSync(join(tmpdir(), 'gateway-entrypoint-'));
  const out = join(root, 'dist');
  const stateDir = join(root, 'state');
  const version = packageVersion();
  /** Runs the entrypoint with a stand-in `openclaw` that prints its arguments, then `echo gateway started`. */
  const entrypoint = () =>
    spawnSync('sh', [SCRIPT, 'echo', 'gateway started'], {
      encoding: 'utf8',
      env: { ...process.env, OPENCLAW_TEMPORAL_PLUGINS_DIR: out, OPENCLAW_STATE_DIR: stateDir, OPENCLAW_CLI: 'echo openclaw' },
    });

  before(() => {
    const packed = spawnSync(process.execPath, [join(REPO, 'scripts/pack.mjs'), '--out', out], { cwd: REPO, encoding: 'utf8' });
    assert.equal(packed.status, 0, packed.stderr);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  test('the shell accepts it', () => {
    assert.equal(spawnSync('sh', ['-n', SCRIPT]).status, 0);
  });

  test('a plugin not installed or of another version is installed; one of this version is not; then the gateway command runs', () => {
    const ids = Object.keys(PLUGINS);
    mkdirSync(join(stateDir, 'extensions', 'lorene-gate'), { recursive: true });
    writeFileSync(join(stateDir, 'extensions', 'lorene-gate', 'package.json'), JSON.stringify({ version }));
    mkdirSync(join(stateDir, 'extensions', 'orchestrator'), { recursive: true });
    writeFileSync(join(stateDir, 'extensions', 'orchestrator', 'package.json'), JSON.stringify({ version: '0.0.9-old' }));
    const run = entrypoint();
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.ok(lines.includes(`openclaw-temporal: lorene-gate ${version} is installed`), run.stdout);
    assert.ok(lines.includes(`openclaw-temporal: installing orchestrator ${version} (installed: 0.0.9-old)`), run.stdout);
    for (const id of ids.filter((i) => i !== 'lorene-gate')) {
      assert.ok(lines.includes(`openclaw plugins install ${join(out, `openclaw-temporal-${id}-${version}.tgz`)} --force --accept-capabilities`), `${id} installed:\n${run.stdout}`);
    }
    assert.ok(!run.stdout.includes(`openclaw-temporal-lorene-gate-${version}.tgz`), 'the installed version is not installed again');
    assert.ok(!run.stdout.includes(`openclaw-temporal-${version}.tgz`), 'the worker package is not a plugin');
    assert.equal(lines.at(-1), 'gateway started');
  });
});
