/**
 * Workflow-test plumbing: a real Temporal dev server started by the SDK's test environment from the Temporal CLI
 * the bootstrap built, and the project's real workers (bundled workflows + SQLite ledger activities).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath } from '../../scripts/paths.mjs';
import { freePort } from '../../scripts/ports.ts';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/shared/search-attributes.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE, hostLedgerTaskQueue } from '../../workflows/shared/task-queues.ts';
import { bundleWorkflows, createLedgerWorker, createWorkerSet, type WorkerSet } from '../../worker/workers.ts';
import { LedgerPool } from '../../activities/ledger-db.ts';
import { DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { startClusterTestEnvironment, temporalTarget } from './target.ts';

let runtimeInstalled = false;

/** Routes the SDK's logs to stderr at WARN: a test's output shows failures, not worker state changes. */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

/**
 * Starts a local dev server (no Web UI) with our search attributes registered — or, with `TEMPORAL_TARGET=cluster`,
 * a Temporal cluster on PostgreSQL (test/helpers/target.ts); `env.client` has the payload codec.
 */
export async function startTestServer(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  if (temporalTarget() === 'cluster') {
    const { dir, cleanup } = tempDir('test-cluster');
    return startClusterTestEnvironment(dir, cleanup, payloadDataConverter());
  }
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      // Below the ephemeral range (scripts/ports.ts), so no process's bind(0) takes it before the server binds.
      port: await freePort(),
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      ui: false,
    },
    client: { dataConverter: payloadDataConverter() },
  });
}

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | null = null;

/** The workflow bundle, built once per test process. */
export function testBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundlePromise ??= bundleWorkflows();
  return bundlePromise;
}

/** Logs of the ledger activities, kept quiet unless a test wants them. */
export const quietLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (fields: object, message: string) => void process.stderr.write(`[worker warn] ${message} ${JSON.stringify(fields)}\n`),
  error: (fields: object, message: string) => void process.stderr.write(`[worker error] ${message} ${JSON.stringify(fields)}\n`),
};

/** A running worker set and the promise of its run loop. */
export interface RunningWorkers {
  readonly set: WorkerSet;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the project's workers against `env`; on another `taskQueue` only the workflow worker (no ledger).
 * Payloads are encrypted with the environment's keys unless `dataConverter` says otherwise.
 */
export async function startWorkers(
  env: TestWorkflowEnvironment,
  taskQueue: string = WORKFLOW_TASK_QUEUE,
  dataConverter: DataConverter = payloadDataConverter(),
  /** The openclaw-temporal version the workflow worker announces (default: this release's). */
  version?: string,
): Promise<RunningWorkers> {
  const set = await createWorkerSet({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    ledgerTaskQueue: LEDGER_TASK_QUEUE,
    serveLedger: taskQueue === WORKFLOW_TASK_QUEUE,
    maxCachedWorkflows: 50,
    bundle: await testBundle(),
    logger: quietLogger,
    dataConverter,
    ...(version === undefined ? {} : { version }),
  });
  const done = set.run();
  return {
    set,
    done,
    async stop() {
      set.shutdown();
      await done;
    },
  };
}

/** A running ledger worker of one gateway host; `identity` names it in the history of each activity it ran. */
export interface RunningLedgerWorker {
  readonly identity: string;
  stop(): Promise<void>;
}

/**
 * Starts the ledger worker a host with `OPENCLAW_TEMPORAL_GATEWAY_ID=<gatewayId>` runs (worker/workers.ts), on
 * `openclaw-temporal-ledger/<gatewayId>`, with its own open ledger files; it polls from when this resolves.
 */
export async function startLedgerWorker(env: Pick<TestWorkflowEnvironment, 'nativeConnection' | 'namespace'>, gatewayId: string): Promise<RunningLedgerWorker> {
  const pool = new LedgerPool();
  const identity = `ledger-${gatewayId}-${Date.now()}`;
  const worker = await createLedgerWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: hostLedgerTaskQueue(gatewayId),
    dataConverter: payloadDataConverter(),
    pool,
    logger: quietLogger,
    identity,
  });
  const done = worker.run().finally(() => pool.close());
  return {
    identity,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

/** A temp folder removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `check` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
