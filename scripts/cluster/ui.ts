/**
 * The cluster's Web UI: the Temporal UI server (github.com/temporalio/ui-server, built into the cache by the
 * bootstrap) against the cluster's frontend, with the codec endpoint the browser decodes payloads through — what
 * docker-compose.yml's `temporal-ui` service runs, configured by a small YAML file instead of the image's template.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { uiServerPath } from '../cluster-tools.mjs';
import { startChild, waitReady } from './child.ts';

/** The UI's port when nothing says otherwise: docker-compose.yml's. */
export const DEFAULT_UI_PORT = 8080;
/** The codec endpoint when nothing says otherwise: the project's codec server (`npm run codec-server`). */
export const DEFAULT_CODEC_ENDPOINT = 'http://127.0.0.1:8234';

export interface UiOptions {
  /** The UI's HTTP port on 127.0.0.1. */
  readonly port: number;
  /** The codec server the browser calls to decode payloads (empty: none). */
  readonly codecEndpoint: string;
}

/** `OPENCLAW_TEMPORAL_UI_PORT` (default 8080) and `OPENCLAW_TEMPORAL_CODEC_ENDPOINT` (compose's variable). */
export function uiOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): UiOptions {
  const raw = env.OPENCLAW_TEMPORAL_UI_PORT;
  const port = raw === undefined || raw === '' ? DEFAULT_UI_PORT : Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`OPENCLAW_TEMPORAL_UI_PORT=${raw}: expected a TCP port`);
  return { port, codecEndpoint: env.OPENCLAW_TEMPORAL_CODEC_ENDPOINT ?? DEFAULT_CODEC_ENDPOINT };
}

/** The UI server's configuration (its `<env>.yaml`): the frontend, the port, the namespace and the codec. */
export function uiConfigYaml(frontend: string, namespace: string, options: UiOptions): string {
  const origins = [`http://127.0.0.1:${options.port}`, `http://localhost:${options.port}`];
  return [
    `temporalGrpcAddress: ${JSON.stringify(frontend)}`,
    // Loopback only, as compose publishes it (127.0.0.1:8080).
    "host: '127.0.0.1'",
    `port: ${options.port}`,
    'enableUi: true',
    `defaultNamespace: ${JSON.stringify(namespace)}`,
    'showTemporalSystemNamespace: false',
    // Plain HTTP on loopback: a Secure CSRF cookie would never come back.
    'cors:',
    '  cookieInsecure: true',
    '  allowOrigins:',
    ...origins.map((o) => `    - ${JSON.stringify(o)}`),
    'codec:',
    `  endpoint: ${JSON.stringify(options.codecEndpoint)}`,
    'hideLogs: false',
    '',
  ].join('\n');
}

export interface RunningUi {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Whether the UI server answers its settings API (it serves it once connected to its configuration). */
async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/v1/settings`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch (err) {
    if (err instanceof Error) return false;
    throw err;
  }
}

/** Writes `<dir>/ui-config/cluster.yaml`, starts the UI server and resolves once it answers HTTP. */
export async function startUi(dir: string, logDir: string, frontend: string, namespace: string, options: UiOptions): Promise<RunningUi> {
  const configDir = join(dir, 'ui-config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'cluster.yaml'), uiConfigYaml(frontend, namespace, options));
  const logFile = join(logDir, 'temporal-ui.log');
  const child = startChild('temporal-ui', uiServerPath(), ['--root', dir, '--config', 'ui-config', '--env', 'cluster', 'start'], logFile);
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitReady(child, `the Web UI answering at ${url}`, () => answers(url), logFile, 60_000);
  } catch (err) {
    await child.stop('SIGTERM', 5_000);
    throw err;
  }
  return { url, stop: () => child.stop('SIGTERM', 10_000) };
}
