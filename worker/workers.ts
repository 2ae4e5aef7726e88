/**
 * Wiring only: the workflow worker (bundled `workflows/`) and the ledger workers (SQLite activities on their own
 * task queues — the fixed one and/or this host's `openclaw-temporal-ledger/<gatewayId>` — so each ledger file has
 * exactly one writer host). Tests and the entrypoints share this.
 */
import { fileURLToPath } from 'node:url';
import { Worker, bundleWorkflowCode, type NativeConnection, type WorkerDeploymentOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createGateLedgerActivities } from '../activities/gate-ledger.ts';
import { createUsageLedgerActivities } from '../activities/usage-ledger.ts';
import { LedgerPool } from '../activities/ledger-db.ts';
import type { DataConverter } from '@temporalio/common';
import { FAILURE_CONVERTER_PATH, payloadDataConverter } from '../plugin-bridge/shared/codec/data-converter.ts';
import { hostname } from 'node:os';
import { OPENCLAW_TEMPORAL_VERSION, workerIdentity } from '../workflows/shared/version.ts';
import { hostLedgerTaskQueue } from '../workflows/shared/task-queues.ts';
import type { StructuredLogger } from '../workflows/shared/logger.ts';
import { compileOwnTypeScript } from './bundle-installed.ts';
import { startStateGauges } from './state-gauges.ts';
import { startDeadLetterGauge } from './dead-letter-gauge.ts';
import type { Tracing } from '../plugin-bridge/shared/tracing.ts';
import { runReplayGate } from './replay-gate.ts';
import { TRACING_WORKFLOW_INTERCEPTOR_MODULE, tracingActivityInterceptors, tracingSinks } from './tracing.ts';

/** The workflow interceptors that count decisions for the metrics (workflows/shared/decision-metrics.ts). */
export const WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [fileURLToPath(new URL('../workflows/shared/decision-metrics.ts', import.meta.url))];

/**
 * The bundled workflow code; bundle once per process and share it between workers. With `tracing` the SDK's
 * OpenTelemetry workflow interceptors are bundled too (a worker with tracing on needs this bundle).
 */
export function bundleWorkflows(options: { readonly tracing?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    workflowInterceptorModules: options.tracing === true ? [...WORKFLOW_INTERCEPTOR_MODULES, TRACING_WORKFLOW_INTERCEPTOR_MODULE] : [...WORKFLOW_INTERCEPTOR_MODULES],
    // Workflow and update failures are converted inside the bundle: it needs the project's failure converter too.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: quietBundlerLogger,
    webpackConfigHook: compileOwnTypeScript,
  });
}

/** The bundler logs webpack's whole module table at info; keep warnings only. */
const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => process.stderr.write(`[bundler] ${message} ${JSON.stringify(meta ?? {})}\n`),
  error: (message: string, meta?: Record<string, unknown>) => process.stderr.write(`[bundler] ${message} ${JSON.stringify(meta ?? {})}\n`),
};

/** The logging the workers need: the one logger shape (workflows/shared/logger.ts); the worker's pino logger fits. */
export type WorkerLogger = StructuredLogger;

export interface WorkerSetOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly ledgerTaskQueue: string;
  /** Serve {@link ledgerTaskQueue}, the fixed ledger queue. */
  readonly serveLedger: boolean;
  /** This host's gateway: serve its ledger queue `openclaw-temporal-ledger/<gatewayId>` too. @default null */
  readonly gatewayId?: string | null;
  readonly maxCachedWorkflows: number;
  readonly bundle: WorkflowBundleWithSourceMap;
  readonly logger: WorkerLogger;
  /** How payloads are encoded (the encryption codec). @default {@link payloadDataConverter} from the environment */
  readonly dataConverter?: DataConverter;
  /** The version the workflow worker announces in its identity. @default OPENCLAW_TEMPORAL_VERSION */
  readonly version?: string;
  /** Where the runtime's Prometheus endpoint listens; when set, the open-workflow gauges are kept too. @default null */
  readonly metricsAddress?: string | null;
  /** How often the state gauges are read (ms), when metrics are on. @default 15000 */
  readonly stateGaugeIntervalMs?: number;
  /** Worker Versioning: the deployment version both workers poll as (worker/versioning.ts). @default unversioned */
  readonly deployment?: WorkerDeploymentOptions | null;
  /** OpenTelemetry tracing (worker/tracing.ts); the bundle must then be built with `tracing: true`. @default off */
  readonly tracing?: Tracing | null;
  /**
   * The replay gate (worker/replay-gate.ts): replay this many of the most recent executions of each workflow type
   * against `bundle` before polling, and refuse to start (throw `ReplayGateError`) if one does not replay. 0: off.
   * @default 0
   */
  readonly replayBeforeStart?: number;
}

/** The workers of one process and the resources they hold. `run()` resolves when every worker has shut down. */
export interface WorkerSet {
  readonly workers: readonly Worker[];
  run(): Promise<void>;
  shutdown(): void;
}

/** Creates the workers; the caller owns the connection. Ledger databases open on first use and close on shutdown. */
export async function createWorkerSet(options: WorkerSetOptions): Promise<WorkerSet> {
  const { connection, namespace, bundle } = options;
  const dataConverter = options.dataConverter ?? payloadDataConverter();
  const tracing = options.tracing ?? null;
  const perType = options.replayBeforeStart ?? 0;
  if (perType > 0) {
    const replayed = await runReplayGate({ connection, namespace, taskQueue: options.taskQueue, bundle, perType, dataConverter });
    options.logger.info({ replayed, perType }, 'replay gate passed: recent histories replay against this worker');
  }
  const workers: Worker[] = [
    await Worker.create({
      connection,
      namespace,
      taskQueue: options.taskQueue,
      // The plugins read this worker's version from its identity at their start (plugin-bridge/shared/version-check.ts).
      identity: workerIdentity(options.version ?? OPENCLAW_TEMPORAL_VERSION, process.pid, hostname()),
      workflowBundle: bundle,
      dataConverter,
      maxCachedWorkflows: options.maxCachedWorkflows,
      // After a worker crash its sticky queue holds the next task of each cached workflow this long before any
      // worker may take it (SDK default 10 s): gate decisions time out meanwhile, so keep it short.
      stickyQueueScheduleToStartTimeout: '2 seconds',
      ...(tracing && { sinks: tracingSinks(tracing) }),
      ...(options.deployment && { workerDeploymentOptions: options.deployment }),
    }),
  ];
  const pool = new LedgerPool();
  const gatewayId = options.gatewayId ?? null;
  const ledgerQueues = [...(options.serveLedger ? [options.ledgerTaskQueue] : []), ...(gatewayId === null ? [] : [hostLedgerTaskQueue(gatewayId)])];
  for (const taskQueue of ledgerQueues) workers.push(await createLedgerWorker({ ...options, dataConverter, taskQueue, pool }));
  return {
    workers,
    async run() {
      const stopGauges = (options.metricsAddress ?? null) === null ? () => undefined : startGauges(options, dataConverter);
      try {
        await Promise.all(workers.map((w) => w.run()));
      } finally {
        stopGauges();
        pool.close();
      }
    },
    shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}

/** What one ledger worker needs: the worker set's options, the queue, and the open ledger files it shares. */
export type LedgerWorkerOptions = Pick<WorkerSetOptions, 'connection' | 'namespace' | 'logger' | 'tracing' | 'deployment'> & {
  readonly taskQueue: string;
  readonly dataConverter: DataConverter;
  readonly pool: LedgerPool;
  /** The worker's identity (shown in each activity's history). @default the SDK's `<pid>@<host>` */
  readonly identity?: string;
};

/** A worker of the SQLite ledger activities (gate and usage) on one ledger queue; the caller owns `pool`. */
export function createLedgerWorker(options: LedgerWorkerOptions): Promise<Worker> {
  const { pool, logger, tracing } = options;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: options.dataConverter,
    ...(options.identity !== undefined && { identity: options.identity }),
    activities: { ...createGateLedgerActivities({ pool, logger }), ...createUsageLedgerActivities({ pool, logger }) },
    maxConcurrentActivityTaskExecutions: 4,
    ...(tracing && { interceptors: tracingActivityInterceptors(tracing) }),
    ...(options.deployment && { workerDeploymentOptions: options.deployment }),
  });
}

/** The state gauges of the Prometheus endpoint: open workflows by type, dead-lettered ledger writes. */
function startGauges(options: WorkerSetOptions, dataConverter: DataConverter): () => void {
  const intervalMs = options.stateGaugeIntervalMs ?? 15_000;
  const stops = [
    startStateGauges(options.connection, options.namespace, options.logger, intervalMs),
    startDeadLetterGauge(options.connection, options.namespace, dataConverter, options.logger, intervalMs),
  ];
  return () => stops.forEach((stop) => stop());
}
