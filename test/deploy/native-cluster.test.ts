// docker-compose.yml and the native cluster (`npm run cluster`, scripts/cluster/) must stay one topology: the same
// Temporal server release and PostgreSQL major, the same one-shot scripts for the schema and for the namespace and
// search attributes, the same dynamic config file, history shard count, databases and retention, and the same Web UI
// release, port and codec endpoint variable. The native run
// proves them on this machine (test/cluster/), so a drift here would ship an untested Docker setup.
// Skips, saying why, without docker-compose (like compose.test.ts).
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { POSTGRES_MAJOR, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../scripts/paths.mjs';
import { DYNAMIC_CONFIG_FILE, HISTORY_SHARDS, serverConfig, DEFAULT_PORTS } from '../../scripts/cluster/server-config.ts';
import { NAMESPACE_RETENTION, SETUP_SCRIPTS, searchAttributeList } from '../../scripts/cluster/setup.ts';
import { DEFAULT_CODEC_ENDPOINT, DEFAULT_UI_PORT, uiOptionsFromEnv } from '../../scripts/cluster/ui.ts';
import { composeConfig, composeMissing, mounts, publishedPorts, REPO, type ComposeConfig, type ComposeService } from './compose-config.ts';

const tag = (s: ComposeService) => s.image?.split(':')[1] ?? '';
/** The repository file a service runs as `/openclaw-temporal/<script>` (./deploy/temporal mounted there). */
function scriptRun(s: ComposeService): string {
  const mount = mounts(s).find((m) => m.target === '/openclaw-temporal');
  const script = [s.entrypoint ?? []].flat().find((part) => part.startsWith('/openclaw-temporal/'));
  assert.ok(mount && script, 'the service runs a script from the mounted deploy/temporal folder');
  return join(mount.source, script.slice('/openclaw-temporal/'.length));
}

describe('docker-compose.yml and the native cluster do not drift apart', { skip: composeMissing() ?? false }, () => {
  let compose: ComposeConfig;
  const service = (name: string) => compose.services[name] ?? assert.fail(`no service ${name}`);
  const native = serverConfig({ host: '127.0.0.1', port: 5432, user: 'temporal', password: 'temporal' }, DEFAULT_PORTS);

  before(() => {
    compose = composeConfig();
  });

  test(`the same Temporal server release (${TEMPORAL_SERVER_VERSION}) and PostgreSQL major (${POSTGRES_MAJOR})`, () => {
    assert.equal(tag(service('temporal')), TEMPORAL_SERVER_VERSION);
    for (const name of ['temporal-schema', 'temporal-namespace']) assert.equal(tag(service(name)).split('-')[0], TEMPORAL_SERVER_VERSION, name);
    assert.equal(Number(tag(service('postgresql')).split('.')[0]), POSTGRES_MAJOR);
  });

  test('the same schema steps: both run deploy/temporal/setup-postgres.sh, against the same databases and plugin', () => {
    assert.equal(scriptRun(service('temporal-schema')), SETUP_SCRIPTS.schema);
    assert.equal(service('temporal').environment?.DB, native.persistence.datastores['postgres-default'].sql.pluginName);
    assert.deepEqual(
      [native.persistence.datastores['postgres-default'].sql.databaseName, native.persistence.datastores['postgres-visibility'].sql.databaseName],
      ['temporal', 'temporal_visibility'],
      "the databases setup-postgres.sh creates and the server image's template names",
    );
  });

  test('the same namespace step and search attributes: both run deploy/temporal/create-namespace.sh with the same list and retention', () => {
    const namespace = service('temporal-namespace');
    assert.equal(scriptRun(namespace), SETUP_SCRIPTS.namespace);
    const listed = (value: string | null | undefined) => (value ?? '').split(/\s+/).filter(Boolean).sort();
    assert.deepEqual(listed(namespace.environment?.OPENCLAW_SEARCH_ATTRIBUTES), listed(searchAttributeList()));
    assert.equal(namespace.environment?.NAMESPACE_RETENTION, NAMESPACE_RETENTION);
  });

  test('the same dynamic config file and history shard count', () => {
    const temporal = service('temporal');
    const mount = mounts(temporal).find((m) => m.target === '/etc/temporal/config/dynamicconfig');
    assert.equal(mount?.source, join(REPO, 'deploy/temporal/dynamicconfig'));
    assert.equal(basename(String(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH)), basename(DYNAMIC_CONFIG_FILE));
    assert.equal(native.dynamicConfigClient.filepath, DYNAMIC_CONFIG_FILE);
    assert.equal(Number(temporal.environment?.NUM_HISTORY_SHARDS), HISTORY_SHARDS);
    assert.equal(native.persistence.numHistoryShards, HISTORY_SHARDS);
  });

  test(`the same Web UI release (${TEMPORAL_UI_VERSION}) on the same port (${DEFAULT_UI_PORT})`, () => {
    const ui = service('temporal-ui');
    assert.equal(tag(ui), TEMPORAL_UI_VERSION, "compose's temporalio/ui tag is the UI server release the bootstrap builds");
    assert.deepEqual(publishedPorts(ui), [DEFAULT_UI_PORT]);
  });

  test('the same codec endpoint variable (OPENCLAW_TEMPORAL_CODEC_ENDPOINT), defaulting to the local codec server', () => {
    const endpoint = 'http://codec.example.test:9443';
    const set = composeConfig('docker-compose.yml', { OPENCLAW_TEMPORAL_CODEC_ENDPOINT: endpoint });
    assert.equal(set.services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT, endpoint);
    assert.equal(uiOptionsFromEnv({ OPENCLAW_TEMPORAL_CODEC_ENDPOINT: endpoint }).codecEndpoint, endpoint);
    const composeDefault = new URL(String(service('temporal-ui').environment?.TEMPORAL_CODEC_ENDPOINT));
    const nativeDefault = new URL(DEFAULT_CODEC_ENDPOINT);
    assert.equal(composeDefault.port, nativeDefault.port, "both default to the codec server's port");
    for (const url of [composeDefault, nativeDefault]) assert.ok(['localhost', '127.0.0.1'].includes(url.hostname), `${url.href} is on this machine`);
  });
});
