/**
 * The Temporal server's configuration for the native cluster: PostgreSQL persistence and visibility (the
 * `postgres12` plugin, databases `temporal` and `temporal_visibility`, as docker-compose.yml's server image sets
 * up), one port pair per service, and the dynamic config file docker-compose.yml mounts. Written as JSON, which
 * is YAML, into `<dir>/config/cluster.yaml`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PostgresAddress } from './postgres.ts';

/** The four services of a Temporal server. */
export const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type Service = (typeof SERVICES)[number];

/** The gRPC and membership ports of each service, and the frontend's HTTP port. */
export type ServerPorts = Readonly<Record<Service, { readonly grpc: number; readonly membership: number }>> & { readonly http: number };

/** Temporal's documented defaults (frontend 7233, …), the ports `npm run cluster` uses. */
export const DEFAULT_PORTS: ServerPorts = {
  frontend: { grpc: 7233, membership: 6933 },
  history: { grpc: 7234, membership: 6934 },
  matching: { grpc: 7235, membership: 6935 },
  worker: { grpc: 7239, membership: 6939 },
  http: 7243,
};

/** The dynamic config both the native cluster and docker-compose.yml run with. */
export const DYNAMIC_CONFIG_FILE = fileURLToPath(new URL('../../deploy/temporal/dynamicconfig/openclaw-temporal.yaml', import.meta.url));

/** History shards: fixed when the `temporal` database is created (docs/scaling.md explains the choice). */
export const HISTORY_SHARDS = 4;

function datastore(pg: PostgresAddress, databaseName: string, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

/** The configuration document (the server's `config.Config` shape). */
export function serverConfig(pg: PostgresAddress, ports: ServerPorts) {
  const service = (name: Service) => ({
    rpc: { grpcPort: ports[name].grpc, membershipPort: ports[name].membership, bindOnIP: '127.0.0.1', ...(name === 'frontend' ? { httpPort: ports.http } : {}) },
  });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: { 'postgres-default': datastore(pg, 'temporal', 20), 'postgres-visibility': datastore(pg, 'temporal_visibility', 10) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(SERVICES.map((name) => [name, service(name)])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.frontend.grpc}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: DYNAMIC_CONFIG_FILE, pollInterval: '10s' },
  };
}

/** Writes `<dir>/config/cluster.yaml`; the server reads it with `--root <dir> --config config --env cluster`. */
export function writeServerConfig(dir: string, pg: PostgresAddress, ports: ServerPorts): string {
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  const file = join(configDir, 'cluster.yaml');
  writeFileSync(file, `${JSON.stringify(serverConfig(pg, ports), null, 2)}\n`);
  return file;
}
