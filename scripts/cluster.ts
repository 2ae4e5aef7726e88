/**
 * `npm run cluster`: a Temporal cluster on PostgreSQL on this machine, in the foreground until Ctrl-C — the same
 * topology docker-compose.yml describes, without Docker. The bootstrap (`--cluster`) has built the server and its
 * schema tool into the cache and checked PostgreSQL; this starts PostgreSQL (data kept between runs), migrates the
 * schemas, starts the server on Temporal's usual ports (frontend 127.0.0.1:7233) and registers our namespace and
 * search attributes, then the Web UI when the bootstrap could build it (127.0.0.1:$OPENCLAW_TEMPORAL_UI_PORT, default
 * 8080, decoding through $OPENCLAW_TEMPORAL_CODEC_ENDPOINT, default the codec server's http://127.0.0.1:8234).
 * Options: `--separate` (one process per service), `--dir <folder>`, `--namespace <name>`.
 * Helpers for tests: scripts/cluster/cluster.ts.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cacheRoot } from './paths.mjs';
import { startCluster } from './cluster/cluster.ts';
import { uiOptionsFromEnv } from './cluster/ui.ts';

const say = (line: string) => process.stderr.write(`[cluster] ${line}\n`);

/** The data folder: $OPENCLAW_CLUSTER_DATA, else the cache — or, as root, /var/lib (the postgres user cannot enter /root). */
function defaultDir(): string {
  if (process.env.OPENCLAW_CLUSTER_DATA) return process.env.OPENCLAW_CLUSTER_DATA;
  return process.getuid?.() === 0 ? '/var/lib/openclaw-temporal-cluster' : join(cacheRoot(), 'cluster');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { separate: { type: 'boolean', default: false }, dir: { type: 'string' }, namespace: { type: 'string', default: 'default' } },
  });
  const started = Date.now();
  const ui = uiOptionsFromEnv();
  const cluster = await startCluster({ dir: values.dir ?? defaultDir(), separate: values.separate, defaultPorts: true, namespace: values.namespace, ui, progress: say });
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: Temporal at ${cluster.address}, namespace ${cluster.namespace}, logs in ${cluster.logDir}`);
  if (cluster.uiUrl !== null) {
    say(`Web UI: ${cluster.uiUrl}  (decoded payloads: OPENCLAW_TEMPORAL_CODEC_ORIGINS=${cluster.uiUrl} npm run codec-server, serving ${ui.codecEndpoint})`);
  } else {
    say(`no Web UI: ${cluster.uiMissing ?? 'not started'}`);
  }
  // The demo links to the workflow in the Web UI; without this it would name the dev server's UI (port 8233).
  const demoUi = cluster.uiUrl === null ? '' : `OPENCLAW_TEMPORAL_UI_URL=${cluster.uiUrl} `;
  say(`run the worker against it:  TEMPORAL_ADDRESS=${cluster.address} npm start    then: TEMPORAL_ADDRESS=${cluster.address} ${demoUi}npm run demo`);
  say('Ctrl-C stops the cluster (data is kept for the next run).');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping ${cluster.uiUrl === null ? '' : 'the Web UI, '}the Temporal server and PostgreSQL`);
    cluster.stop().then(
      () => {
        say('stopped; nothing is left running');
        process.exit(0);
      },
      (err: unknown) => {
        say(`stopping failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  say(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
