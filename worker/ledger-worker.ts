/** The worker of the SQLite ledger activities (gate and usage) on one ledger task queue. */
import { Worker, type NativeConnection, type WorkerDeploymentOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createGateLedgerActivities } from '../activities/gate-ledger.ts';
import { createUsageLedgerActivities } from '../activities/usage-ledger.ts';
import type { LedgerPool } from '../activities/ledger-db.ts';
import type { Tracing } from '../plugin-bridge/shared/tracing.ts';
import type { StructuredLogger } from '../workflows/shared/logger.ts';
import { tracingActivityInterceptors } from './tracing.ts';

/** What one ledger worker needs: the worker set's options, the queue, and the open ledger files it shares. */
export interface LedgerWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly logger: StructuredLogger;
  /** OpenTelemetry tracing of the activities. @default off */
  readonly tracing?: Tracing | null;
  /** Worker Versioning: the deployment version it polls as. @default unversioned */
  readonly deployment?: WorkerDeploymentOptions | null;
  readonly taskQueue: string;
  readonly dataConverter: DataConverter;
  readonly pool: LedgerPool;
  /** The worker's identity (shown in each activity's history). @default the SDK's `<pid>@<host>` */
  readonly identity?: string;
}

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
