/**
 * The task queues every openclaw-temporal process agrees on: declared once, here, because the workflows, the
 * worker, the bridge's config defaults and the ops CLI all name them.
 */

/** Task queue of every openclaw-temporal workflow (and the default `taskQueue` of each plugin's config). */
export const WORKFLOW_TASK_QUEUE = 'openclaw-temporal';
/** Task queue of the SQLite ledger activities: one worker host owns the ledger files. */
export const LEDGER_TASK_QUEUE = 'openclaw-temporal-ledger';
