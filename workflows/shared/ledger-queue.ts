/**
 * Where a ledger batch goes (workflow code): the ledger queue of the gateway host that owns the file, when the
 * plugin's runtime config names its `gatewayId` (runs since the `ledger-per-gateway` patch), else the one fixed
 * ledger queue. A batch without a gateway id never reaches the patch check, so runs recorded before it replay
 * unchanged, and single-host users keep the fixed queue.
 */
import { patched } from '@temporalio/workflow';
import { LEDGER_TASK_QUEUE, hostLedgerTaskQueue } from './task-queues.ts';
import type { LedgerTarget } from './ledger-target.ts';

/** The task queue of a batch for `target`; call it where the activity is scheduled. */
export function ledgerQueueOf(target: LedgerTarget): string {
  if (target.gatewayId === undefined) return LEDGER_TASK_QUEUE;
  return patched('ledger-per-gateway') ? hostLedgerTaskQueue(target.gatewayId) : LEDGER_TASK_QUEUE;
}
