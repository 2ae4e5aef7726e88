/**
 * The deployable worker: serves the workflow task queue and (unless disabled) the ledger activities, against the
 * service the Temporal environment configuration names. Graceful shutdown on SIGINT/SIGTERM.
 *   TEMPORAL_ADDRESS=temporal.internal:7233 npm run worker
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection } from '@temporalio/worker';
import { OPENCLAW_TEMPORAL_VERSION } from '../workflows/shared/version.ts';
import { parseWorkerConfig } from './config.ts';
import { installLogger } from './logger.ts';
import { workerPayloadKeys } from './payload-keys.ts';
import { bundleWorkflows, createWorkerSet } from './workers.ts';
import { workerTracingFromEnv } from './tracing.ts';
import { configuredDeployment } from './versioning.ts';

const dataDir = fileURLToPath(new URL('../.data', import.meta.url));

async function main(): Promise<void> {
  const config = parseWorkerConfig(process.env, { dataDir });
  const logger = installLogger(config);
  const { dataConverter, keyFile } = workerPayloadKeys(config.payloadKeys, { create: false });
  logger.info({ codec: config.payloadKeys.kind, keyFile }, config.payloadKeys.kind === 'off' ? 'payload encryption is OFF (OPENCLAW_TEMPORAL_CODEC=off)' : 'payloads are encrypted');
  const deployment = configuredDeployment(config, fileURLToPath(new URL('..', import.meta.url)));
  const tracing = workerTracingFromEnv(process.env, logger);
  const connection = await NativeConnection.connect({ address: 'localhost:7233', ...config.connect.connectionOptions });
  try {
    const set = await createWorkerSet({ ...config, connection, bundle: await bundleWorkflows({ tracing: tracing !== null, metrics: config.metricsAddress !== null }), tracing, deployment, logger, dataConverter });
    logger.info({ namespace: config.namespace, taskQueue: config.taskQueue, ledger: config.serveLedger, gatewayId: config.gatewayId, version: deployment?.version ?? 'unversioned', release: OPENCLAW_TEMPORAL_VERSION }, 'worker running');
    await set.run();
    logger.info('worker stopped');
  } finally {
    await connection.close();
    await tracing?.shutdown();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
    // A process whose Worker.create failed does not exit by itself.
    process.exit(1);
  },
);
