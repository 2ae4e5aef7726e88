/**
 * `npm run demo`: plays a scripted WhatsApp conversation through the lorene-gate bridge — loaded by OpenClaw's
 * real plugin loader and fired by its real hook runner — into the stack `npm start` runs, so the gate workflow
 * appears in the Web UI with its summary and current details. WhatsApp is the only fake: the events are what
 * OpenClaw's WhatsApp channel would hand to the hooks.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { keySource, payloadDataConverter } from '../plugin-bridge/shared/codec/data-converter.ts';
import { BRIDGE_METRICS_ADDRESS_ENV } from '../plugin-bridge/shared/metrics-endpoint.ts';
import { gateStateQuery, gateWorkflowId } from '../workflows/gate/contract.ts';
import { describeGate } from '../workflows/gate/describe.ts';
import { startOpenClawHost, type OpenClawHost } from '../test/openclaw/host-client.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.OPENCLAW_TEMPORAL_DATA_DIR || join(repo, '.data');
const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
const LORENE = '+4917012345678';
const MAX = '+4915112345678';
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let messageId = Date.now();

async function play(host: OpenClawHost, client: Client): Promise<void> {
  const handle = client.workflow.getHandle(gateWorkflowId('whatsapp', LORENE));
  const status = async () => say(`      gate: ${describeGate(await handle.query(gateStateQuery), Date.now())}`);
  const inbound = async (who: string, from: string, text: string) => {
    say(`  ${who}: ${text}`);
    await host.run('runMessageReceived', { from, content: text, messageId: `demo-${++messageId}` }, { channelId: 'whatsapp', conversationId: LORENE });
  };
  const reply = async (text: string) => {
    const run = await host.run('runMessageSending', { to: LORENE, content: text }, { channelId: 'whatsapp', conversationId: LORENE });
    const out = (run.ok ? run.result : undefined) as { cancel?: boolean; cancelReason?: string; content?: string } | undefined;
    if (!run.ok) say(`  assistant → Lorene: (hook failed: ${run.error})`);
    else if (out?.cancel) say(`  assistant → Lorene: ✗ cancelled (${out.cancelReason})`);
    else say(`  assistant → Lorene: ✓ ${JSON.stringify(out?.content ?? text)}`);
  };

  say('\n1. The assistant tries to speak in the protected chat uninvited:');
  await reply('Hi Lorene, anything I can do?');
  say('\n2. Max (allowed) triggers it; the gate arms for 2 answers, 15 s after each:');
  await inbound('Max', MAX, 'Friday: which movie is on Plex tonight?');
  await status();
  await reply('Tonight on Plex: "The Third Man" at 20:15.');
  await status();
  await reply('It runs 104 minutes.');
  await status();
  await reply('Shall I also...');
  say('\n3. A new trigger; one answer; then the durable timer disarms the gate at expiry:');
  await inbound('Max', MAX, 'Friday: remind Lorene of the dentist meeting on Friday');
  await reply('Reminder set: dentist, Friday 10:00.');
  await status();
  for (let left = 16; left > 0; left -= 4) {
    say(`      …waiting for expiry (${left} s)`);
    await sleep(4000);
  }
  await status();
  await reply('By the way...');
  say('\n4. Someone not allowed tries the trigger:');
  await inbound('Stranger', '+15550000000', 'friday: tell me her address');
  await reply('Her address is...');
  await status();
}

/** The gateway's decision counters, scraped from its metrics endpoint before the plugin's service stops. */
async function showDecisionMetrics(address: string): Promise<void> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  say('\nThe gateway counted (openclaw_bridge_decisions_total):');
  for (const line of text.split('\n').filter((l) => l.startsWith('openclaw_bridge_decisions_total{'))) say(`  ${line}`);
}

async function main(): Promise<void> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: '3 seconds' });
  } catch {
    throw new Error(`no Temporal service at ${address}: start the stack first with \`npm start\` (in another terminal)`);
  }
  const client = new Client({ connection, namespace, dataConverter: payloadDataConverter() });
  say(`Loading lorene-gate into OpenClaw's real plugin loader (Node 24) against ${address} …`);
  // The gateway's metrics endpoint (off unless asked): the host process is isolated from our OPENCLAW_* settings.
  const bridgeMetrics = process.env[BRIDGE_METRICS_ADDRESS_ENV];
  const host = await startOpenClawHost(bridgeMetrics ? { env: { [BRIDGE_METRICS_ADDRESS_ENV]: bridgeMetrics } } : {});
  if (bridgeMetrics) say(`The gateway's metrics: http://${bridgeMetrics}/metrics`);
  // The gateway encrypts with the worker's key: the file `npm start` created (or the keys the environment names).
  const keys = keySource();
  try {
    const loaded = await host.load({
      pluginDir: join(repo, 'plugin-bridge', 'lorene-gate'),
      pluginId: 'lorene-gate',
      pluginConfig: {
        protectedTo: [LORENE],
        allowedFrom: [MAX],
        wrapperTargets: [LORENE],
        maxUsesPerArm: 2,
        armTtlMs: 15_000,
        temporalAddress: address,
        temporalNamespace: namespace,
        dbPath: join(dataDir, 'demo', 'lorene-gate.db'),
        ...(keys.kind === 'file' && { payloadKeyFile: keys.path }),
      },
    });
    if (loaded.status !== 'loaded') throw new Error(`lorene-gate did not load: ${loaded.error}`);
    await host.startServices();
    await play(host, client);
    if (bridgeMetrics) await showDecisionMetrics(bridgeMetrics);
    await host.stopServices();
    const unhandled = await host.unhandled();
    if (unhandled.length > 0) say(`\nunhandled rejections in the gateway process: ${JSON.stringify(unhandled)}`);
  } finally {
    await host.close();
    await connection.close();
  }
  const ui = process.env.OPENCLAW_TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
  say(`\nSee it in the Web UI: ${ui}/namespaces/${namespace}/workflows/${encodeURIComponent(gateWorkflowId('whatsapp', LORENE))}`);
  say(`List every gate:     temporal workflow list --query 'OpenClawPlugin = "lorene-gate"'`);
  say(`The ledger:          sqlite3 ${join(dataDir, 'demo', 'lorene-gate.db')} 'SELECT * FROM responses'`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
