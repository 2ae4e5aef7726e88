// One version for the whole release: package.json, every plugin's package and manifest, and the constant the
// bridge and the worker announce; and how a worker identity carries it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { OPENCLAW_TEMPORAL_VERSION, versionOfIdentity, workerIdentity } from '../../workflows/shared/version.ts';
import { liveIdentities, versionVerdict } from '../../plugin-bridge/shared/version-check.ts';

const json = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as { version?: string };
const PLUGINS = ['lorene-gate', 'orchestrator', 'token-audit', 'usage-ledger'];

describe('openclaw-temporal version', () => {
  test('package.json, each plugin package and manifest, and OPENCLAW_TEMPORAL_VERSION agree', () => {
    assert.equal(json('package.json').version, OPENCLAW_TEMPORAL_VERSION);
    for (const id of PLUGINS) {
      assert.equal(json(`plugin-bridge/${id}/package.json`).version, OPENCLAW_TEMPORAL_VERSION, `${id}/package.json`);
      assert.equal(json(`plugin-bridge/${id}/openclaw.plugin.json`).version, OPENCLAW_TEMPORAL_VERSION, `${id}/openclaw.plugin.json`);
    }
  });

  test('a worker identity keeps the SDK default <pid>@<host> first and announces the version after it', () => {
    const identity = workerIdentity('1.2.3', 42, 'box');
    assert.equal(identity, '42@box openclaw-temporal@1.2.3');
    assert.equal(versionOfIdentity(identity), '1.2.3');
    assert.equal(versionOfIdentity('42@box'), null);
    assert.equal(versionOfIdentity('42@box openclaw-temporal@'), null);
  });

  test('the verdict ignores pollers without a version and names every version seen on a mismatch', () => {
    assert.deepEqual(versionVerdict(['1@a'], '1.0.0'), { kind: 'no-worker' });
    assert.deepEqual(versionVerdict(['1@a openclaw-temporal@1.0.0', '2@b'], '1.0.0'), { kind: 'match' });
    assert.deepEqual(versionVerdict(['1@a openclaw-temporal@1.0.0', '2@b openclaw-temporal@0.9.0'], '1.0.0'), { kind: 'mismatch', workerVersions: ['0.9.0', '1.0.0'] });
  });

  test('a poller last seen more than a long poll before the newest one is a stopped worker and does not count', () => {
    const now = 1_000_000;
    assert.deepEqual(liveIdentities([{ identity: 'old', lastAccessMs: now - 80_000 }, { identity: 'new', lastAccessMs: now }, { identity: 'idle', lastAccessMs: now - 60_000 }]), ['new', 'idle']);
    assert.deepEqual(liveIdentities([]), []);
  });
});
