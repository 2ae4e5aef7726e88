/**
 * The floor's worker, a child process like the deployable worker (`node --import tsx scripts/bench/floor-worker.ts`):
 * it serves only the floor workflows (and the ledger share's activity) on its own task queues, with the same payload
 * codec as the gate's worker, so the floor and the gate pay the same encoding. Address from TEMPORAL_ADDRESS;
 * SIGTERM shuts it down.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { closeFloorLedgers, writeFloorRows } from './floor-activities.ts';
import { FLOOR_LEDGER_TASK_QUEUE } from './floor-workflow.ts';

/** The floor's task queue. */
export const FLOOR_TASK_QUEUE = 'openclaw-temporal-bench-floor';

/** The floor's two workers (workflows, and the ledger share's activity) on `connection`; the caller runs and shuts them down. */
export async function createFloorWorkers(connection: NativeConnection, namespace = 'default'): Promise<Worker[]> {
  const dataConverter = payloadDataConverter();
  return [
    await Worker.create({
      connection,
      namespace,
      taskQueue: FLOOR_TASK_QUEUE,
      workflowsPath: fileURLToPath(new URL('./floor-workflow.ts', import.meta.url)),
      dataConverter,
      bundlerOptions: { ignoreModules: [] },
    }),
    // The ledger share's activity, on its own queue in the same process, as the deployable worker serves its ledger.
    await Worker.create({ connection, namespace, taskQueue: FLOOR_LEDGER_TASK_QUEUE, activities: { writeFloorRows }, dataConverter }),
  ];
}

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  try {
    const workers = await createFloorWorkers(connection);
    const stop = () => workers.forEach((w) => w.shutdown());
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    closeFloorLedgers();
    await connection.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`floor worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
