/**
 * Wiring only: the workflow worker (bundled `workflows/`) and the ledger workers (SQLite activities on their own
 * task queues — the fixed one and/or this host's `openclaw-temporal-ledger/<gatewayId>` — so each ledger file has
 * exactly one writer host). Tests and the entrypoints share this.
 */
import { Worker, type NativeConnection, type WorkerDeploymentOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { LedgerPool } from '../activities/ledger-db.ts';
import type { DataConverter } from '@temporalio/common';
import { payloadDataConverter } from '../plugin-bridge/shared/codec/data-converter.ts';
import { hostname } from 'node:os';
import { OPENCLAW_TEMPORAL_VERSION, workerIdentity } from '../workflows/shared/version.ts';
import { hostLedgerTaskQueue } from '../workflows/shared/task-queues.ts';
import type { StructuredLogger } from '../workflows/shared/logger.ts';
import { createLedgerWorker } from './ledger-worker.ts';
import { startStateGauges } from './state-gauges.ts';
import { startDeadLetterGauge } from './dead-letter-gauge.ts';
import type { Tracing } from '../plugin-bridge/shared/tracing.ts';
import { runReplayGate } from './replay-gate.ts';
import { tracingSinks } from './tracing.ts';

export { bundleWorkflows, WORKFLOW_INTERCEPTOR_MODULES } from './bundle.ts';
export { createLedgerWorker, type LedgerWorkerOptions } from './ledger-worker.ts';

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

/** The state gauges of the Prometheus endpoint: open workflows by type, dead-lettered ledger writes. */
function startGauges(options: WorkerSetOptions, dataConverter: DataConverter): () => void {
  const intervalMs = options.stateGaugeIntervalMs ?? 15_000;
  const stops = [
    startStateGauges(options.connection, options.namespace, options.logger, intervalMs),
    startDeadLetterGauge(options.connection, options.namespace, dataConverter, options.logger, intervalMs),
  ];
  return () => stops.forEach((stop) => stop());
}
