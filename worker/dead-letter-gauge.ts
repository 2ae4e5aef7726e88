/**
 * `openclaw_ledger_dead_letters{plugin}`: ledger writes parked in a dead-letter list, waiting for
 * `npm run ops -- replay-dead-letters` (workflows/gate/dead-letters.ts). The lists live in each gate's workflow
 * state, so the gauge sums them by asking every running gate (visibility list, then one bounded state query each):
 * right across worker restarts, at the cost of one query per gate per reading. Only the gate has such a list; the
 * usage ledger retries its writes until they succeed. A reading with any gate unanswered keeps the last value.
 */
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Runtime, type NativeConnection } from '@temporalio/worker';
import { gateStateQuery } from '../workflows/gate/contract.ts';
import { deadLetterCount } from '../workflows/gate/dead-letters.ts';
import type { WorkerLogger } from './workers.ts';

const QUERY_TIMEOUT_MS = 5000;
const RUNNING_GATES = 'WorkflowType = "gateWorkflow" AND ExecutionStatus = "Running"';

/** Reads the dead-lettered gate ledger writes (ops) of every running gate; null if any gate did not answer. */
export async function countGateDeadLetters(client: Client, logger: WorkerLogger): Promise<number | null> {
  let total = 0;
  for await (const execution of client.workflow.list({ query: RUNNING_GATES })) {
    try {
      const handle = client.workflow.getHandle(execution.workflowId);
      const state = await client.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(gateStateQuery));
      total += deadLetterCount(state);
    } catch (err) {
      logger.debug({ err, workflowId: execution.workflowId }, 'a gate did not answer the dead-letter count; the gauge keeps its last value');
      return null;
    }
  }
  return total;
}

/** Sets the gauge now and every `intervalMs`, one reading at a time; returns the stop function. */
export function startDeadLetterGauge(connection: NativeConnection, namespace: string, dataConverter: DataConverter, logger: WorkerLogger, intervalMs: number): () => void {
  const gauge = Runtime.instance().metricMeter.createGauge('openclaw_ledger_dead_letters', 'int', 'writes', 'Ledger writes parked in a dead-letter list, by plugin (replay them with ops replay-dead-letters).');
  const client = new Client({ connection, namespace, dataConverter });
  let reading: Promise<void> | null = null;
  const read = async () => {
    try {
      const count = await countGateDeadLetters(client, logger);
      if (count !== null) gauge.set(count, { plugin: 'lorene-gate' });
    } catch (err) {
      logger.debug({ err }, 'listing the gates for the dead-letter count failed; the gauge keeps its last value');
    }
  };
  const tick = () => {
    if (reading === null) reading = read().finally(() => (reading = null));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
