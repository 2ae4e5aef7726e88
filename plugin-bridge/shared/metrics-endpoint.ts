/**
 * The gateway's Prometheus endpoint (`GET /metrics`), off by default: set `OPENCLAW_TEMPORAL_BRIDGE_METRICS_ADDRESS`
 * (`host:port`, e.g. `127.0.0.1:9465`) in the gateway's environment. Every plugin's service acquires it when it
 * starts and releases it when it stops; the first opens the port, the last closes it. A port that cannot be
 * opened is logged and costs the metrics, never the plugin.
 */
import { createServer, type Server } from 'node:http';
import type { BridgeLogger } from './bridge-logger.ts';
import { bridgeMetrics } from './metrics.ts';

/** The environment variable naming the endpoint's address. */
export const BRIDGE_METRICS_ADDRESS_ENV = 'OPENCLAW_TEMPORAL_BRIDGE_METRICS_ADDRESS';

interface Endpoint {
  users: number;
  server: Server | null;
  opened: Promise<void>;
}

const GLOBAL = Symbol.for('openclaw-temporal.bridge-metrics-endpoint');

function parseAddress(raw: string): { host: string; port: number } | null {
  const match = /^(.*):(\d+)$/.exec(raw.trim());
  if (match === null) return null;
  const host = match[1]!.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  return { host, port: Number(match[2]) };
}

function open(address: { host: string; port: number }, log: BridgeLogger): { server: Server; opened: Promise<void> } {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    bridgeMetrics()
      .render()
      .then(
        (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
        (err: unknown) => {
          log.warn({ err }, 'rendering the bridge metrics failed');
          res.writeHead(500).end();
        },
      );
  });
  const opened = new Promise<void>((resolve) => {
    server.once('error', (err) => {
      log.warn({ err, address: `${address.host}:${address.port}` }, 'the bridge metrics endpoint did not open');
      resolve();
    });
    server.listen(address.port, address.host, () => {
      log.info({ url: `http://${address.host}:${address.port}/metrics` }, 'bridge metrics endpoint listening');
      resolve();
    });
  });
  return { server, opened };
}

/**
 * Opens the endpoint if the environment asks for one (and no plugin opened it yet); resolves once it listens.
 * The returned function releases it.
 */
export async function acquireMetricsEndpoint(env: NodeJS.ProcessEnv, log: BridgeLogger): Promise<() => Promise<void>> {
  const raw = env[BRIDGE_METRICS_ADDRESS_ENV]?.trim();
  if (!raw) return () => Promise.resolve();
  const address = parseAddress(raw);
  if (address === null) {
    log.warn({ variable: BRIDGE_METRICS_ADDRESS_ENV, value: raw }, 'not host:port: no bridge metrics endpoint');
    return () => Promise.resolve();
  }
  const holder = globalThis as { [GLOBAL]?: Endpoint };
  let endpoint = holder[GLOBAL];
  if (endpoint === undefined || endpoint.users === 0) {
    const { server, opened } = open(address, log);
    endpoint = { users: 0, server, opened };
    holder[GLOBAL] = endpoint;
  }
  endpoint.users += 1;
  await endpoint.opened;
  const held = endpoint;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    held.users -= 1;
    if (held.users > 0 || held.server === null) return;
    const server = held.server;
    held.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
}
