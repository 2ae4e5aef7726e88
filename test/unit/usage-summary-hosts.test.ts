// `npm run usage` over several gateway hosts' ledgers: real SQLite files written by the usage ledger's own
// activity, one per host ("east", "west"), and a third holding every row of both, as one host would have had it.
// The summary over the two host files must equal the summary of the combined file, plus a per-host breakdown;
// one `--db` keeps the single-file output it always had.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LedgerPool } from '../../activities/ledger-db.ts';
import { createUsageLedgerActivities } from '../../activities/usage-ledger.ts';
import { summarizeUsage, type UsageSummary } from '../../activities/usage-summary.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';

const dir = mkdtempSync(join(tmpdir(), 'usage-hosts-'));
const EAST = join(dir, 'east', 'usage-ledger.db');
const WEST = join(dir, 'west', 'usage-ledger.db');
const BOTH = join(dir, 'both.db');
const pool = new LedgerPool();
const SEP_01 = Date.UTC(2026, 8, 1, 10, 0, 0);
const SEP_02 = Date.UTC(2026, 8, 2, 9, 0, 0);
const AUG_20 = Date.UTC(2026, 7, 20, 8, 0, 0);

function row(eventId: string, now: number, payload: Record<string, unknown>): UsageRecord {
  const record = extractUsage(payload, 'llm_output', { eventId, now });
  assert.ok(record);
  return record;
}

const east = [
  row('e1', SEP_01, { provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 1000, output: 200, cacheRead: 500 } }),
  row('e2', SEP_02, { provider: 'openai', model: 'gpt-4o', error: 'rate limited', usage: { prompt_tokens: 300, completion_tokens: 50 } }),
  row('e3', AUG_20, { provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 5000, outputTokens: 5000 } }),
];
const west = [
  row('w1', SEP_01, { provider: 'anthropic', model: 'claude-opus-4-1', usage: { input_tokens: 2000, output_tokens: 100 } }),
  row('w2', SEP_02, { provider: 'anthropic', model: 'claude-haiku-4-5', usage: { input: 10, output: 5 } }),
  row('w3', SEP_02, { model: 'local-model', usage: { input: 7, output: 3 } }),
];

const run = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/usage-summary.ts', ...args]);

/** The exit code and stderr of a run expected to fail. */
async function failing(...args: string[]): Promise<{ code: unknown; stderr: string }> {
  const outcome = await run(...args).then(
    () => assert.fail(`usage-summary ${args.join(' ')} succeeded`),
    (err: unknown) => err as { code: unknown; stderr: string },
  );
  return { code: outcome.code, stderr: outcome.stderr };
}

function summaryOf(path: string, sinceMs: number | null): UsageSummary {
  const db = pool.open(path, () => undefined);
  return summarizeUsage(db, sinceMs);
}

before(async () => {
  const { appendUsage } = createUsageLedgerActivities({ pool, logger: { debug: () => undefined, warn: () => undefined } });
  await appendUsage({ dbPath: EAST, records: east });
  await appendUsage({ dbPath: WEST, records: west });
  await appendUsage({ dbPath: BOTH, records: [...east, ...west] });
});
after(() => {
  pool.close();
  rmSync(dir, { recursive: true, force: true });
});

test('two hosts summed: the same totals and breakdowns as one ledger with every row, and a breakdown per host', async () => {
  const { stdout } = await run('--db', `east=${EAST}`, '--db', `west=${WEST}`, '--since', '2026-09-01', '--json');
  const { usageSummary } = JSON.parse(stdout) as { usageSummary: UsageSummary & { byHost: unknown } };
  const { byHost, ...summed } = usageSummary;
  assert.deepEqual(summed, summaryOf(BOTH, Date.UTC(2026, 8, 1)));
  const sinceSep = Date.UTC(2026, 8, 1);
  assert.deepEqual(byHost, [
    { host: 'east', ...summaryOf(EAST, sinceSep).totals },
    { host: 'west', ...summaryOf(WEST, sinceSep).totals },
  ]);
  assert.deepEqual(usageSummary.byModel.map((m) => [m.model, m.events]), [['claude-opus-4-1', 2], ['gpt-4o', 1], ['claude-haiku-4-5', 1], ['local-model', 1]]);
});

test('the table over two hosts names both files and adds a per-host table; --by host shows only that one', async () => {
  const { stdout } = await run('--db', `east=${EAST}`, '--db', `west=${WEST}`);
  assert.match(stdout, new RegExp(`for all time, 2 gateway hosts \\(east: ${EAST}, west: ${WEST}\\)`));
  assert.match(stdout, /^model\s+events/m);
  assert.match(stdout, /^host\s+events/m);
  assert.match(stdout, /^east\s+3\s+6,300\s+5,250\s/m);
  assert.match(stdout, /^west\s+3\s+2,017\s+108\s/m);
  const byHost = (await run('--db', `east=${EAST}`, '--db', WEST, '--by', 'host')).stdout;
  assert.doesNotMatch(byHost, /^model\s/m);
  assert.match(byHost, new RegExp(`^${WEST}\\s+3\\s`, 'm'), 'an unlabelled file is labelled by its path');
  assert.match(byHost, /^TOTAL\s+6\s+8,317\s+5,358\s/m);
});

test('one --db keeps the single-file output: no per-host breakdown', async () => {
  const { stdout } = await run('--db', EAST, '--json');
  assert.deepEqual(JSON.parse(stdout), { usageSummary: summaryOf(EAST, null) });
  const table = (await run('--db', EAST)).stdout;
  assert.match(table, new RegExp(`^LLM usage for all time \\(${EAST}\\)`));
  assert.doesNotMatch(table, /^host\s/m);
});

test('a missing host file, a file named twice and --by host on one file are refused, naming the problem', async () => {
  const missing = join(dir, 'north', 'usage-ledger.db');
  const gone = await failing('--db', `east=${EAST}`, '--db', `north=${missing}`);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, new RegExp(`no usage ledger at ${missing}`));
  const twice = await failing('--db', `east=${EAST}`, '--db', `west=${EAST}`);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /--db names the path .* twice/);
  const single = await failing('--db', EAST, '--by', 'host');
  assert.match(single.stderr, /--by host needs the ledgers of several hosts/);
});
