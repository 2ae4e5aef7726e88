/**
 * Schema verdicts of the config-parity table (test/unit/config-parity.test.ts) checked on OpenClaw's real loader
 * (Node 24) for the values where "no looser, no stricter" matters: the orchestrator keeps the original's bounds
 * (maxRetriesPerTask an integer 1..5, retryOutcomes from the enum), and an empty usage-ledger dbPath — which the
 * original schema accepted — loads. Nothing is started: no Temporal is needed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { withOpenClawHost } from './with-host.ts';

const dirOf = (plugin: string) => fileURLToPath(new URL(`../../plugin-bridge/${plugin}/`, import.meta.url));
const stack = withOpenClawHost();

async function status(plugin: string, pluginConfig: Record<string, unknown>): Promise<string> {
  const loaded = await stack.host.load({ pluginDir: dirOf(plugin), pluginId: plugin, pluginConfig });
  return loaded.status === 'error' ? `error: ${loaded.error ?? ''}` : loaded.status;
}

describe('config edge values on OpenClaw’s real loader', () => {
  test('orchestrator: maxRetriesPerTask is an integer from 1 to 5, exactly as the original schema', async () => {
    for (const ok of [1, 5]) assert.equal(await status('orchestrator', { maxRetriesPerTask: ok }), 'loaded', String(ok));
    for (const bad of [0, 2.5, 6]) assert.match(await status('orchestrator', { maxRetriesPerTask: bad }), /^error: .*maxRetriesPerTask/, String(bad));
  });

  test('orchestrator: retryOutcomes entries come from the original enum', async () => {
    for (const ok of [[], ['killed', 'deleted']]) assert.equal(await status('orchestrator', { retryOutcomes: ok }), 'loaded', JSON.stringify(ok));
    for (const bad of [['bogus'], ['ERROR']]) assert.match(await status('orchestrator', { retryOutcomes: bad }), /^error: .*retryOutcomes/, JSON.stringify(bad));
  });

  test('usage-ledger: an empty dbPath loads, with a warning naming the field', async () => {
    const before = (await stack.host.logs()).length;
    assert.equal(await status('usage-ledger', { dbPath: '' }), 'loaded');
    const warnings = (await stack.host.logs()).slice(before).filter((l) => l.level === 'warn').map((l) => l.message);
    assert.ok(warnings.some((w) => w.includes('config: dbPath ')), warnings.join('\n'));
  });

  test('token-audit: the original’s only config, {}, loads', async () => {
    assert.equal(await status('token-audit', {}), 'loaded');
  });
});
