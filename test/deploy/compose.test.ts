// docker-compose.yml for users with Docker, checked without a Docker engine: Debian's `docker-compose config`
// must accept it, it must have the shape the deployment guide promises (PostgreSQL with a persistent volume, the
// schema one-shot before the server, namespace + search attributes after it, the Web UI, our worker built from
// the Dockerfile, health checks, pinned images), and every service, port, variable, volume and path the guide
// or the README names in a Docker section must exist in it. Skips, saying why, without docker-compose.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/shared/search-attributes.ts';
import { composeConfig, composeMissing, mounts, publishedPorts, REPO, type ComposeConfig } from './compose-config.ts';
import { dockerMentions } from './doc-mentions.ts';
import { dockerfileCopies, GATEWAY_COMPOSE, GATEWAY_ENV, packageVersion } from './packed-images.ts';

const SERVICES = ['postgresql', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', 'worker'];
const read = (path: string) => readFileSync(join(REPO, path), 'utf8');

describe('docker-compose.yml', { skip: composeMissing() ?? false }, () => {
  let compose: ComposeConfig;
  const service = (name: string) => compose.services[name] ?? assert.fail(`no service ${name}`);

  before(() => {
    compose = composeConfig();
  });

  test('docker-compose config accepts the file, with the six services of the guide (and the optional ones in profiles)', () => {
    const always = Object.entries(compose.services).filter(([, s]) => (s.profiles ?? []).length === 0).map(([name]) => name);
    assert.deepEqual(always.sort(), [...SERVICES].sort());
  });

  test('tracing is optional: Jaeger only in the `tracing` profile, taking OTLP/HTTP; the worker passes the endpoint on, off when unset', () => {
    const jaeger = service('jaeger');
    assert.deepEqual(jaeger.profiles, ['tracing']);
    assert.equal(jaeger.environment?.COLLECTOR_OTLP_ENABLED, 'true');
    assert.deepEqual(publishedPorts(jaeger).sort(), [16686, 4318].sort());
    assert.equal(service('worker').environment?.OTEL_EXPORTER_OTLP_ENDPOINT ?? '', '', 'no endpoint unless the operator sets one');
    assert.match(read('docker-compose.yml'), /OTEL_EXPORTER_OTLP_ENDPOINT: \$\{OTEL_EXPORTER_OTLP_ENDPOINT:-\}/);
  });

  test('every image is pinned to an exact version, and the server and its admin tools share one', () => {
    const images = Object.values(compose.services).flatMap((s) => (s.image ? [s.image] : []));
    // admin-tools tags name the server release first, then the bundled tools (`1.29.1-tctl-1.18.4-cli-1.5.0`).
    for (const image of images) assert.match(image, /:\d+\.\d+(\.\d+)?(-[\w.-]+)?$/, `${image} is pinned`);
    const version = (name: string) => service(name).image?.split(':')[1]?.split('-')[0];
    assert.equal(version('temporal-schema'), version('temporal'));
    assert.equal(version('temporal-namespace'), version('temporal'));
  });

  test('the schema is set up before the server starts, and the namespace and the worker come after it is healthy', () => {
    assert.equal(service('temporal-schema').depends_on?.postgresql?.condition, 'service_healthy');
    assert.equal(service('temporal').depends_on?.['temporal-schema']?.condition, 'service_completed_successfully');
    assert.equal(service('temporal-namespace').depends_on?.temporal?.condition, 'service_healthy');
    assert.equal(service('temporal-ui').depends_on?.temporal?.condition, 'service_healthy');
    assert.equal(service('worker').depends_on?.['temporal-namespace']?.condition, 'service_completed_successfully');
    assert.equal(service('temporal').environment?.DB, 'postgres12');
    assert.equal(service('temporal').environment?.POSTGRES_SEEDS, 'postgresql');
  });

  test('PostgreSQL, the server and the worker have health checks; data and ledgers live in named volumes', () => {
    for (const name of ['postgresql', 'temporal', 'worker']) assert.ok(service(name).healthcheck?.test, `${name} has a health check`);
    assert.deepEqual(Object.keys(compose.volumes ?? {}).sort(), ['ledgers', 'postgres-data']);
    assert.ok(mounts(service('postgresql')).some((m) => m.source === 'postgres-data' && m.target === '/var/lib/postgresql/data'));
    assert.ok(mounts(service('worker')).some((m) => m.source === 'ledgers' && m.target === '/var/lib/openclaw-temporal'));
  });

  test('the namespace one-shot registers exactly the search attributes the workflows set', () => {
    const listed = (service('temporal-namespace').environment?.OPENCLAW_SEARCH_ATTRIBUTES ?? '').split(/\s+/).filter(Boolean).sort();
    const expected = ALL_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${key.type === 'KEYWORD' ? 'Keyword' : key.type}`).sort();
    assert.deepEqual(listed, expected);
  });

  test('the worker is built from the Dockerfile (Node 20, the packed worker package) and reaches the server by its service name', () => {
    const worker = service('worker');
    assert.ok(worker.build?.context, 'the worker has a build context');
    assert.equal(worker.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
    const dockerfile = read('Dockerfile');
    assert.match(dockerfile, /^FROM node:20\.\d+\.\d+-bookworm-slim$/m);
    assert.match(dockerfile, /^CMD \["node", "node_modules\/openclaw-temporal\/bin\/openclaw-temporal\.mjs", "worker"\]$/m);
    assert.ok(worker.image?.endsWith(`:${packageVersion()}`), `the worker image is tagged with package.json's version ${packageVersion()}`);
    assert.deepEqual(dockerfileCopies('Dockerfile'), [`dist/openclaw-temporal-${packageVersion()}.tgz`], 'the image installs the tarball `npm run pack` writes');
  });

  test('every file the services mount or run exists in the repository', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const m of mounts(s).filter((x) => x.source.startsWith('/'))) assert.ok(existsSync(m.source), `${name} mounts ${m.source}`);
      const script = [s.entrypoint ?? []].flat().find((part) => part.startsWith('/openclaw-temporal/'));
      if (script) assert.ok(existsSync(join(REPO, 'deploy/temporal', script.slice('/openclaw-temporal/'.length))), `${name} runs ${script}`);
    }
    assert.ok(existsSync(join(REPO, 'deploy/temporal/dynamicconfig', String(service('temporal').environment?.DYNAMIC_CONFIG_FILE_PATH).split('/').at(-1) ?? '')));
  });

  test('every service, port, variable, volume and path the guide and the README name for Docker exists in the files', () => {
    // The gateway example (docker-compose.gateway.yml) is merged in: a Docker section may name its parts too.
    const merged = composeConfig(['docker-compose.yml', GATEWAY_COMPOSE], GATEWAY_ENV);
    const raw = `${read('docker-compose.yml')}\n${read(GATEWAY_COMPOSE)}`;
    const ports = new Set(Object.values(merged.services).flatMap(publishedPorts));
    const variables = new Set([...Object.values(merged.services).flatMap((s) => Object.keys(s.environment ?? {})), ...[...raw.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1] ?? '')]);
    const targets = Object.values(merged.services).flatMap((s) => mounts(s).map((m) => m.target));
    const guide = dockerMentions(read('docs/deployment.md'));
    assert.ok(guide.sections > 0 && guide.services.size >= 6 && guide.ports.size >= 2 && guide.variables.size >= 4, 'the guide has a Docker section to check');
    for (const [doc, mentions] of [['docs/deployment.md', guide], ['README.md', dockerMentions(read('README.md'))]] as const) {
      assert.deepEqual([...mentions.services].filter((s) => !(s in merged.services)), [], `${doc}: services not in the compose files`);
      assert.deepEqual([...mentions.ports].filter((p) => !ports.has(p)), [], `${doc}: ports not published`);
      assert.deepEqual([...mentions.variables].filter((v) => !variables.has(v)), [], `${doc}: variables not in docker-compose.yml`);
      assert.deepEqual([...mentions.volumes].filter((v) => !(v in (merged.volumes ?? {}))), [], `${doc}: volumes not declared`);
      assert.deepEqual([...mentions.containerPaths].filter((p) => !targets.some((t) => p.startsWith(t))), [], `${doc}: paths not mounted`);
    }
  });

  test('the systemd unit of the guide passes systemd-analyze verify', { skip: spawnSync('systemd-analyze', ['--version']).status === 0 ? false : 'no systemd-analyze here' }, () => {
    const unit = join(REPO, 'deploy/openclaw-temporal-worker.service');
    const verify = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    const complaints = `${verify.stdout}${verify.stderr}`.split('\n').filter((line) => line.includes('openclaw-temporal-worker.service'));
    assert.equal(verify.status, 0, verify.stderr);
    assert.deepEqual(complaints, []);
    assert.match(readFileSync(unit, 'utf8'), /^ExecStart=\/usr\/bin\/node --import tsx worker\/main\.ts$/m);
  });
});
