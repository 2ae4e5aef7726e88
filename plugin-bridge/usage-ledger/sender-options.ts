/** The usage sender's tuning (from the plugin config, and the pause when a ledger is busy) and the counters it keeps for logs, tests and the benchmark. */

export interface SenderOptions {
  readonly batchMaxRecords: number;
  /** Raw-JSON characters per batch after the first record (keeps a signal far below Temporal's payload limit). */
  readonly batchMaxChars: number;
  readonly bufferMaxRecords: number;
  readonly sendTimeoutMs: number;
  /** Longest pause between attempts while deliveries fail (the pause doubles from 200 ms up to this). */
  readonly retryIntervalMs: number;
}

/** Pause after the workflow refused a batch because its backlog is full: it writes a batch in about this long. */
export const BUSY_PAUSE_MS = 100;

/** Counters for logs, tests and the benchmark. */
export interface SenderStats {
  buffered: number;
  outboxBytes: number;
  delivered: number;
  spilled: number;
  failedAttempts: number;
  /** Batches the workflow refused because its backlog was full (retried shortly; not a failure). */
  busyRefusals: number;
  droppedBufferFull: number;
  droppedOutboxFull: number;
  unreadableOutboxLines: number;
}

/** The counters a sender keeps itself (the other two are read when asked), all zero. */
export function senderCounters(): Omit<SenderStats, 'buffered' | 'outboxBytes'> {
  return { delivered: 0, spilled: 0, failedAttempts: 0, busyRefusals: 0, droppedBufferFull: 0, droppedOutboxFull: 0, unreadableOutboxLines: 0 };
}
