/**
 * `npm run record-histories [-- name…]`: plays every recorded scenario against a fresh dev server and the real
 * worker and writes each history to test/histories/<scenario>.json (the format `temporal workflow show -o json`
 * prints). Re-record only for a new scenario: a change that breaks an old history goes behind `patched()`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { GateClient } from '../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../plugin-bridge/shared/temporal-bridge.ts';
import { startTestServer, startWorkers, tempDir } from '../test/helpers/temporal.ts';
import { gateScenarios } from '../test/scenarios/gate.ts';
import { orchestratorScenarios } from '../test/scenarios/orchestrator.ts';
import { privacyScenarios } from '../test/scenarios/privacy.ts';
import { subagentScenarios } from '../test/scenarios/subagent.ts';
import { subagentRequesterScenarios } from '../test/scenarios/subagent-requester.ts';
import { usageScenarios } from '../test/scenarios/usage.ts';
import { budgetScenarios } from '../test/scenarios/budget.ts';
import { ledgerHostScenarios } from '../test/scenarios/ledger-hosts.ts';
import type { Scenario } from '../test/scenarios/types.ts';

/** Every scenario; a new workflow adds its list here. */
const ALL_SCENARIOS: readonly Scenario[] = [
  ...gateScenarios, ...subagentScenarios, ...subagentRequesterScenarios, ...orchestratorScenarios, ...usageScenarios, ...privacyScenarios,
  ...budgetScenarios, ...ledgerHostScenarios,
];

const outDir = fileURLToPath(new URL('../test/histories/', import.meta.url));

async function main(): Promise<void> {
  // Recorded encrypted under the committed test key, the key `npm test` replays them with.
  process.env.OPENCLAW_TEMPORAL_KEY_FILE = fileURLToPath(new URL('../test/fixtures/payload-keys.json', import.meta.url));
  delete process.env.OPENCLAW_TEMPORAL_PAYLOAD_KEYS;
  const only = process.argv.slice(2);
  const scenarios = ALL_SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name));
  const env = await startTestServer();
  const workers = await startWorkers(env);
  const tmp = tempDir('record');
  const bridge = new TemporalBridge({ address: env.address, namespace: 'default' });
  bridge.start();
  try {
    const gate = new GateClient(bridge, new KeyedChain(), { channel: 'whatsapp', taskQueue: 'openclaw-temporal' });
    const ctx = { client: env.client, address: env.address, tmpDir: tmp.dir, gate, dbPath: join(tmp.dir, 'lorene-gate.db') };
    mkdirSync(outDir, { recursive: true });
    for (const scenario of scenarios) {
      const run = await scenario.run(ctx);
      const history = await env.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      const file = join(outDir, `${scenario.name}.json`);
      writeFileSync(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
      process.stdout.write(`recorded ${scenario.name}: ${history.events?.length ?? 0} events → ${file}\n`);
    }
  } finally {
    await bridge.stop();
    await workers.stop();
    await env.teardown();
    tmp.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`record-histories failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
