/**
 * Which Temporal the server-starting tests run against: the dev server (default) or, with
 * `TEMPORAL_TARGET=cluster` (`npm run test:cluster`), a Temporal cluster on PostgreSQL started natively by
 * scripts/cluster/ — same tests, same assertions, a different service underneath.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataConverter } from '@temporalio/common';
import { startCluster, type Cluster, type ClusterOptions } from '../../scripts/cluster/cluster.ts';
import { temporalCliPath } from '../../scripts/paths.mjs';
import { startDevServer } from '../../worker/dev-server.ts';

export type TemporalTarget = 'dev' | 'cluster';

/** `TEMPORAL_TARGET`: `dev` (or unset) or `cluster`; anything else is a mistake worth failing on. */
export function temporalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const value = env.TEMPORAL_TARGET ?? 'dev';
  if (value !== 'dev' && value !== 'cluster') throw new Error(`TEMPORAL_TARGET=${value}: expected "dev" or "cluster"`);
  return value;
}

/** Starts a cluster with its data under `dir` (made reachable for the postgres user when we are root). */
export function startTestCluster(dir: string, options: Omit<ClusterOptions, 'dir'> = {}): Promise<Cluster> {
  if (process.getuid?.() === 0) chmodSync(dir, 0o711);
  return startCluster({ dir: join(dir, 'cluster'), ...options });
}

/** A Temporal service a durability test stops and starts again on the same data and port. */
export interface TargetServer {
  readonly address: string;
  /** Stops the Temporal server; on the cluster PostgreSQL keeps running, as it would in production. */
  stop(): Promise<void>;
  /** Stops everything (the cluster's PostgreSQL too). */
  close(): Promise<void>;
}

let cluster: Cluster | null = null;

/**
 * Starts (or, after `stop()`, restarts) the target on `127.0.0.1:port` with its data in `dir`: the dev server on
 * `dir/temporal.db`, or the cluster (PostgreSQL provisioned on the first call, kept across restarts).
 */
export async function startTargetServer(dir: string, port: number): Promise<TargetServer> {
  if (temporalTarget() === 'dev') {
    const server = await startDevServer({ cliPath: temporalCliPath(), dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log'), port, uiPort: null });
    return { address: server.address, stop: () => server.stop(), close: () => server.stop() };
  }
  if (cluster === null) cluster = await startTestCluster(dir, { frontendPort: port });
  else await cluster.startTemporal();
  const running = cluster;
  return {
    address: running.address,
    stop: () => running.stopTemporal(),
    async close() {
      await running.stop();
      cluster = null;
    },
  };
}

/** Stops and starts the PostgreSQL of the cluster {@link startTargetServer} started (only on the cluster target). */
export async function restartTargetPostgres(): Promise<void> {
  if (cluster === null) throw new Error('restartTargetPostgres needs the cluster started by startTargetServer (TEMPORAL_TARGET=cluster)');
  await cluster.restartPostgres();
}

const teardowns = new WeakMap<TestWorkflowEnvironment, () => Promise<void>>();

/** A test environment on an existing server whose teardown also stops the cluster it was started with. */
class ClusterTestEnvironment extends TestWorkflowEnvironment {
  override async teardown(): Promise<void> {
    await super.teardown();
    await teardowns.get(this)?.();
  }
}

/** A fresh cluster and a test environment connected to it (the cluster variant of `startTestServer`). */
export async function startClusterTestEnvironment(dir: string, cleanup: () => void, dataConverter: DataConverter): Promise<TestWorkflowEnvironment> {
  const started = await startTestCluster(dir);
  try {
    const env = await ClusterTestEnvironment.createFromExistingServer({ address: started.address, namespace: started.namespace, client: { dataConverter } });
    teardowns.set(env, async () => {
      await started.stop();
      cleanup();
    });
    return env;
  } catch (err) {
    await started.stop();
    throw err;
  }
}
