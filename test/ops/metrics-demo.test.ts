// Metrics, end to end: the deployable worker (worker/main.ts) with its Prometheus endpoint on, and `npm run demo`
// (scripts/demo.ts: lorene-gate in OpenClaw's real loader and hook runner) with the gateway's endpoint on, against
// a real dev server. Scraped while the demo runs, both count the gate's decisions by outcome — the workflow's
// answers on the worker, the hook's view (latency histogram included) on the gateway — next to the SDK's own
// worker metrics.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/processes.ts';
import { eventually, tempDir } from '../helpers/temporal.ts';
import { withMetricsWorker } from './metrics-worker.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The value of `name` summed over the series whose labels include `labels` (null: no such series). */
function sample(text: string, name: string, labels: Readonly<Record<string, string>>): number | null {
  let total: number | null = null;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total = (total ?? 0) + Number(match[4]);
  }
  return total;
}

async function scrape(port: number): Promise<string | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    return response.ok ? await response.text() : null;
  } catch {
    return null; // not listening (yet, or any more): the caller keeps its last scrape
  }
}

describe('metrics during npm run demo', () => {
  const data = tempDir('openclaw-temporal-metrics');
  const metrics = withMetricsWorker(data.dir);
  let bridgePort = 0;

  before(async () => {
    bridgePort = await freePort();
  });

  after(() => data.cleanup());

  test('a scrape during the demo shows the gate decisions counted by outcome, on the worker and on the gateway', async () => {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|NODE_TEST_CONTEXT$|NODE_OPTIONS$)/.test(k)));
    const demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      cwd: repo,
      env: { ...inherited, TEMPORAL_ADDRESS: metrics.env.address, OPENCLAW_TEMPORAL_DATA_DIR: data.dir, OPENCLAW_TEMPORAL_BRIDGE_METRICS_ADDRESS: `127.0.0.1:${bridgePort}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout.on('data', (c: Buffer) => (output += c.toString()));
    demo.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => demo.on('close', resolve));
    let running = true;
    void exited.then(() => (running = false));
    let workerText = '';
    let bridgeText = '';
    const pendingBytes: number[] = [];
    while (running) {
      workerText = (await scrape(metrics.port)) ?? workerText;
      // The gateway's endpoint closes with the plugin's service at the end of the demo: keep the last scrape.
      const bridgeScrape = await scrape(bridgePort);
      bridgeText = bridgeScrape ?? bridgeText;
      const pending = bridgeScrape === null ? null : sample(bridgeScrape, 'openclaw_bridge_outbox_pending_bytes', { plugin: 'lorene-gate' });
      if (pending !== null) pendingBytes.push(pending);
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.equal(await exited, 0, output);
    // The demo's script: 3 answers delivered (2 on the first arm, 1 on the second), 4 cancelled (uninvited,
    // arm used up, after expiry, after a stranger's trigger).
    assert.match(output, /✓.*\n[^]*✗ cancelled \(lorene-gate: no-arm\)/);
    const delivered = (output.match(/✓/g) ?? []).length;
    const cancelled = (output.match(/✗ cancelled/g) ?? []).length;
    assert.deepEqual([delivered, cancelled], [3, 4], output);

    const workflow = (outcome: string) => sample(workerText, 'openclaw_workflow_decisions', { plugin: 'lorene-gate', outcome });
    // The worker counts a decision when its workflow task completes, which can be just after the loop's last scrape
    // (seen once in a fresh-clone run: 2 of 4 cancels): scrape it again until it has counted what the demo printed.
    await eventually('the worker counted every decision', async () => {
      workerText = (await scrape(metrics.port)) ?? workerText;
      return workflow('deliver') === delivered && workflow('cancel') === cancelled ? true : undefined;
    }, 5000).catch(() => undefined);
    assert.deepEqual([workflow('deliver'), workflow('cancel')], [delivered, cancelled], workerText);
    assert.ok((sample(workerText, 'temporal_workflow_completed', {}) ?? 0) + (sample(workerText, 'temporal_worker_start', {}) ?? 0) > 0, 'the SDK worker metrics are exported too');

    // The gateway's endpoint closes with the plugin's service, right after the last decision: our last scrape may
    // come before it, so the complete counts are the ones the demo scraped itself before stopping the service.
    const bridge = (text: string, outcome: string) => sample(text, 'openclaw_bridge_decisions_total', { plugin: 'lorene-gate', hook: 'message_sending', outcome });
    const final = output.slice(output.indexOf('The gateway counted')).replace(/^ {2}/gm, '');
    assert.deepEqual([bridge(final, 'deliver'), bridge(final, 'cancel'), bridge(final, 'fail-closed')], [delivered, cancelled, null], output);
    assert.ok((bridge(bridgeText, 'deliver') ?? 0) >= 2 && (bridge(bridgeText, 'cancel') ?? 0) >= 1, bridgeText);
    const latencies = sample(bridgeText, 'openclaw_bridge_decision_seconds_count', { plugin: 'lorene-gate' });
    assert.equal(latencies, (bridge(bridgeText, 'deliver') ?? 0) + (bridge(bridgeText, 'cancel') ?? 0));
    // The outbox gauge: a fact recorded just before a scrape may still be pending in it, but none stays there — after
    // the last reading of 0, at most a second of scrapes (the demo's last message) may read more.
    const trailing = pendingBytes.length - 1 - pendingBytes.findLastIndex((bytes) => bytes === 0);
    assert.ok(pendingBytes.length > 0 && trailing <= 3, `outbox pending bytes per scrape: ${pendingBytes.join(', ')}`);
    assert.equal(sample(bridgeText, 'openclaw_bridge_dead_letters', { plugin: 'lorene-gate' }), 0);
    // The state gauges (a visibility count every 15 s): the demo's gate is open.
    const gates = await eventually('the open-gates gauge', async () => {
      const value = sample((await scrape(metrics.port)) ?? '', 'openclaw_open_workflows', { workflow_type: 'gateWorkflow' });
      return value !== null && value >= 1 ? value : undefined;
    }, 30_000);
    assert.equal(gates, 1);
  });
});
