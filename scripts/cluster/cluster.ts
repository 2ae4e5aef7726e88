/**
 * A Temporal cluster on PostgreSQL, run natively: PostgreSQL (private, or an existing one), the schema setup, the
 * Temporal server from its PostgreSQL configuration — all four services in one process, or one process per service
 * (`separate`) so a test can restart the history service alone — the namespace with our search attributes, and
 * on request the Web UI (when the bootstrap could build it; otherwise the cluster runs without one and says why).
 * `npm run cluster` and the cluster variants of the tests both start it from here.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { clusterToolPaths, findPostgresBin, uiServerMissing } from '../cluster-tools.mjs';
import { TEMPORAL_SERVER_VERSION, temporalCliPath } from '../paths.mjs';
import { ClusterError, startChild, waitReady, type Child } from './child.ts';
import { freePort, portOpen } from '../ports.ts';
import { externalPostgres, startPostgres, type Postgres } from './postgres.ts';
import { DEFAULT_PORTS, SERVICES, writeServerConfig, type ServerPorts, type Service } from './server-config.ts';
import { createNamespace, setupSchema } from './setup.ts';
import { startUi, type RunningUi, type UiOptions } from './ui.ts';

export interface ClusterOptions {
  /** Folder for PostgreSQL's data (`postgres/`), the server config and the logs (`logs/`). */
  readonly dir: string;
  /** One process per service instead of one for all four. @default false */
  readonly separate?: boolean;
  /** Temporal's documented ports (7233, …) instead of free ones. @default false */
  readonly defaultPorts?: boolean;
  /** The frontend's gRPC port (the others stay free or default). */
  readonly frontendPort?: number;
  /** @default "default" */
  readonly namespace?: string;
  /** The Web UI on this port and codec endpoint, if its server is built (`Cluster.uiMissing` says why not). @default none */
  readonly ui?: UiOptions;
  /** Progress lines (`npm run cluster` prints them). */
  readonly progress?: (message: string) => void;
}

export interface Cluster {
  /** `127.0.0.1:<frontend port>`. */
  readonly address: string;
  readonly namespace: string;
  readonly postgres: Postgres;
  readonly separate: boolean;
  readonly logDir: string;
  /** The Web UI's URL, or null (none asked for, or none built). */
  readonly uiUrl: string | null;
  /** Why a Web UI that was asked for is not running, with how to get it; null otherwise. */
  readonly uiMissing: string | null;
  /** The process id of the frontend (of the whole server when it runs as one process). */
  frontendPid(): number | undefined;
  /** Stops the Temporal services (PostgreSQL keeps running). */
  stopTemporal(): Promise<void>;
  /** Starts the Temporal services again, on the same ports and database. */
  startTemporal(): Promise<void>;
  /** Stops and starts one service's process (`separate` only). */
  restartService(service: Exclude<Service, 'frontend'>): Promise<void>;
  /** Stops and starts PostgreSQL (a private one only). */
  restartPostgres(): Promise<void>;
  /** Stops everything this cluster started. */
  stop(): Promise<void>;
}

async function allocatePorts(options: ClusterOptions): Promise<ServerPorts> {
  if (options.defaultPorts === true) return DEFAULT_PORTS;
  const pair = async () => ({ grpc: await freePort(), membership: await freePort() });
  const frontend = { grpc: options.frontendPort ?? (await freePort()), membership: await freePort() };
  return { frontend, history: await pair(), matching: await pair(), worker: await pair(), http: await freePort() };
}

/** Provisions and starts the cluster; resolves once the namespace and our search attributes are registered. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const progress = options.progress ?? (() => undefined);
  const namespace = options.namespace ?? 'default';
  const separate = options.separate ?? false;
  const tools = clusterToolPaths();
  if (!existsSync(tools.server) || !existsSync(tools.sqlTool)) {
    throw new ClusterError(`the Temporal server is not built (${tools.server}): run \`npm run cluster\` once, or \`node scripts/bootstrap.mjs --cluster\``);
  }
  const logDir = join(options.dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const ports = await allocatePorts(options);
  if (await portOpen('127.0.0.1', ports.frontend.grpc)) {
    throw new ClusterError(`port 127.0.0.1:${ports.frontend.grpc} is already in use — is another Temporal server running? Stop it, or point TEMPORAL_ADDRESS at it`);
  }
  const uiMissing = options.ui === undefined ? null : uiServerMissing();
  if (options.ui !== undefined && uiMissing === null && (await portOpen('127.0.0.1', options.ui.port))) {
    throw new ClusterError(`port 127.0.0.1:${options.ui.port} (the Web UI) is already in use — is docker compose's temporal-ui running? Stop it, or set OPENCLAW_TEMPORAL_UI_PORT`);
  }

  let postgres = externalPostgres();
  if (postgres === null) {
    const bin = findPostgresBin();
    if (bin === null) throw new ClusterError('PostgreSQL is not installed: run `npm run cluster` once, it says how to provide one');
    const port = options.defaultPorts === true ? 55432 : await freePort();
    progress(`starting PostgreSQL (${bin}) on 127.0.0.1:${port}, data in ${join(options.dir, 'postgres')}`);
    postgres = await startPostgres({ bin, dataDir: join(options.dir, 'postgres'), port, logFile: join(logDir, 'postgres.log') });
  } else {
    progress(`using the existing PostgreSQL at ${postgres.host}:${postgres.port} (OPENCLAW_CLUSTER_POSTGRES)`);
  }
  const pg = postgres;

  // Separate processes start one after the other, history first: the first one to start writes the cluster
  // metadata row, and two doing it at once make one exit (duplicate key); the frontend last, so a client that can
  // connect finds history and matching there already.
  const groups: Service[][] = separate ? [['history'], ['matching'], ['worker'], ['frontend']] : [[...SERVICES]];
  const children = new Map<Service, Child>();
  const startGroup = async (group: readonly Service[]): Promise<void> => {
    const name = group.length === 1 ? `temporal-${group[0]}` : 'temporal-server';
    const logFile = join(logDir, `${name}.log`);
    const args = ['--root', options.dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start', ...group.flatMap((s) => ['--service', s])];
    const child = startChild(name, tools.server, args, logFile);
    for (const service of group) children.set(service, child);
    // The worker service serves no gRPC (only membership): the namespace step's health check covers it.
    for (const service of group.filter((s) => s !== 'worker')) {
      await waitReady(child, `${service} listening on ${ports[service].grpc}`, () => portOpen('127.0.0.1', ports[service].grpc), logFile);
    }
  };
  const stopGroup = async (group: readonly Service[]): Promise<void> => {
    const child = children.get(group[0] ?? 'frontend');
    for (const service of group) children.delete(service);
    await child?.stop('SIGTERM', 20_000);
  };
  const startTemporal = async () => {
    progress(`starting the Temporal server v${TEMPORAL_SERVER_VERSION} (${separate ? 'one process per service' : 'all services in one process'}), frontend on 127.0.0.1:${ports.frontend.grpc}`);
    for (const group of groups) await startGroup(group);
  };
  const stopTemporal = async () => {
    for (const group of groups) await stopGroup(group);
  };

  const address = `127.0.0.1:${ports.frontend.grpc}`;
  let ui: RunningUi | null = null;
  try {
    progress('creating and migrating the temporal and temporal_visibility databases (deploy/temporal/setup-postgres.sh)');
    await setupSchema(pg, tools, join(logDir, 'schema.log'));
    writeServerConfig(options.dir, pg, ports);
    await startTemporal();
    progress(`creating namespace ${namespace} and registering our search attributes (deploy/temporal/create-namespace.sh)`);
    await createNamespace(address, namespace, temporalCliPath(), join(logDir, 'namespace.log'));
    if (options.ui !== undefined && uiMissing === null) {
      progress(`starting the Web UI on http://127.0.0.1:${options.ui.port}, codec endpoint ${options.ui.codecEndpoint || '(none)'}`);
      ui = await startUi(options.dir, logDir, address, namespace, options.ui);
    }
  } catch (err) {
    await ui?.stop();
    await stopTemporal();
    await pg.stop();
    throw err;
  }
  return {
    address,
    namespace,
    postgres: pg,
    separate,
    logDir,
    uiUrl: ui?.url ?? null,
    uiMissing,
    frontendPid: () => children.get('frontend')?.process.pid,
    stopTemporal,
    startTemporal,
    async restartService(service) {
      if (!separate) throw new ClusterError('restartService needs a cluster started with `separate: true`');
      await stopGroup([service]);
      await startGroup([service]);
    },
    async restartPostgres() {
      await pg.stop();
      await pg.start();
    },
    async stop() {
      await ui?.stop();
      await stopTemporal();
      await pg.stop();
    },
  };
}
