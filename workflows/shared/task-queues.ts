/**
 * The task queues every openclaw-temporal process agrees on: declared once, here, because the workflows, the
 * worker, the bridge's config defaults and the ops CLI all name them.
 */

/** Task queue of every openclaw-temporal workflow (and the default `taskQueue` of each plugin's config). */
export const WORKFLOW_TASK_QUEUE = 'openclaw-temporal';
/** Task queue of the SQLite ledger activities when the plugins name no `gatewayId`: one worker host owns the ledger files. */
export const LEDGER_TASK_QUEUE = 'openclaw-temporal-ledger';

/** What a `gatewayId` may be (the orchestrator's, lorene-gate's, usage-ledger's, the worker's): it names task queues. */
export const GATEWAY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** True when `value` is a usable gateway id ({@link GATEWAY_ID_PATTERN}). */
export function isGatewayId(value: unknown): value is string {
  return typeof value === 'string' && GATEWAY_ID_PATTERN.test(value);
}

/** The ledger task queue of one gateway host: `openclaw-temporal-ledger/<gatewayId>`. */
export function hostLedgerTaskQueue(gatewayId: string): string {
  return `${LEDGER_TASK_QUEUE}/${gatewayId}`;
}
