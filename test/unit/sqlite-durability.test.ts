/** The embedded server's storage setting: what each value passes to the dev server, and the worker config's check. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporalCliPath } from '../../scripts/paths.mjs';
import { startDevServer } from '../../worker/dev-server.ts';
import { freePort } from '../helpers/processes.ts';
import { InvalidWorkerConfigError, parseWorkerConfig } from '../../worker/config.ts';
import { DEFAULT_SQLITE_DURABILITY, parseSqliteDurability, sqlitePragmas } from '../../worker/sqlite-durability.ts';

test('crash-safe (the default) is WAL with synchronous=normal; power-safe keeps SQLite’s defaults', () => {
  assert.equal(DEFAULT_SQLITE_DURABILITY, 'crash-safe');
  assert.deepEqual(sqlitePragmas('crash-safe'), ['journal_mode=wal', 'synchronous=normal']);
  assert.deepEqual(sqlitePragmas('power-safe'), []);
  assert.equal(parseSqliteDurability(undefined), 'crash-safe');
  assert.equal(parseSqliteDurability(''), 'crash-safe');
  assert.equal(parseSqliteDurability('power-safe'), 'power-safe');
  assert.equal(parseSqliteDurability('fast'), null);
});

test('OPENCLAW_TEMPORAL_SQLITE_DURABILITY is one setting away, and a wrong value names the variable', () => {
  const defaults = { dataDir: '/tmp/openclaw-temporal-test' };
  assert.equal(parseWorkerConfig({ OPENCLAW_TEMPORAL_CODEC: 'off' }, defaults).sqliteDurability, 'crash-safe');
  assert.equal(parseWorkerConfig({ OPENCLAW_TEMPORAL_CODEC: 'off', OPENCLAW_TEMPORAL_SQLITE_DURABILITY: 'power-safe' }, defaults).sqliteDurability, 'power-safe');
  assert.throws(
    () => parseWorkerConfig({ OPENCLAW_TEMPORAL_CODEC: 'off', OPENCLAW_TEMPORAL_SQLITE_DURABILITY: 'wal' }, defaults),
    (err: unknown) => err instanceof InvalidWorkerConfigError && err.variable === 'OPENCLAW_TEMPORAL_SQLITE_DURABILITY',
  );
});

test('the dev server started with the crash-safe pragmas writes its file in WAL mode, power-safe does not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-temporal-sqlite-'));
  try {
    for (const durability of ['crash-safe', 'power-safe'] as const) {
      const dbFile = join(dir, `${durability}.db`);
      const server = await startDevServer({ cliPath: temporalCliPath(), dbFile, logFile: join(dir, `${durability}.log`), port: await freePort(), uiPort: null, sqlitePragmas: sqlitePragmas(durability) });
      await server.stop();
      // SQLite file header, bytes 18 and 19: 2 in WAL mode, 1 with a rollback journal.
      const header = readFileSync(dbFile).subarray(18, 20);
      assert.deepEqual([...header], durability === 'crash-safe' ? [2, 2] : [1, 1], durability);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
