/**
 * The usage sender's on-disk side: spilling buffered records to the outbox, and delivering the outbox's oldest
 * chunk. Serialising records is synchronous work, so a large spill is appended in slices with a yield to the
 * event loop between them: it never stalls the gateway.
 */
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';
import { gatewayIdOf, type LedgerTarget } from '../../workflows/shared/ledger-target.ts';
import type { DeliveryFailure } from './delivery-failure.ts';
import type { Outbox } from './outbox.ts';
import type { Queued } from './send-buffer.ts';

/** Records per outbox append. */
const SPILL_SLICE = 250;

/** The sender's counters the outbox side moves. */
export interface OutboxCounters {
  delivered: number;
  spilled: number;
  droppedOutboxFull: number;
  unreadableOutboxLines: number;
}

/**
 * Appends `queued`, bound for `target`, to `outbox` in slices; what the full outbox refuses is counted and logged
 * at warn. On a disk error `requeue` gets the records not yet written (to put back at the head of the buffer) and
 * the error propagates.
 */
export async function spillToOutbox(
  outbox: Outbox,
  queued: readonly Queued[],
  target: LedgerTarget,
  counters: OutboxCounters,
  log: BridgeLogger,
  requeue: (rest: readonly Queued[]) => void,
): Promise<void> {
  let refused = 0;
  for (let from = 0; from < queued.length; from += SPILL_SLICE) {
    const slice = queued.slice(from, from + SPILL_SLICE);
    try {
      const result = await outbox.append(slice.map((q) => ({ ledgerId: q.ledgerId, ...target, record: q.record })));
      counters.spilled += result.written;
      refused += result.refused;
    } catch (err) {
      requeue(queued.slice(from));
      throw err;
    }
  }
  if (refused === 0) return;
  counters.droppedOutboxFull += refused;
  log.warn(
    { dropped: refused, droppedTotal: counters.droppedOutboxFull, outbox: outbox.path, outboxBytes: outbox.pendingBytes, outboxMaxBytes: outbox.maxBytes },
    'usage outbox full: records dropped',
  );
}

/** Sends one batch of records to a ledger; null when delivered. */
export type SendBatch = (ledgerId: string, target: LedgerTarget, records: UsageRecord[]) => Promise<DeliveryFailure | null>;

/**
 * Reads the outbox's oldest chunk (at most `maxRecords`, `maxChars` of raw JSON after the first), sends it, and
 * commits it once delivered (the file goes once empty). Returns the failure, or null, and the chunk's size.
 */
export async function deliverOutboxChunk(
  outbox: Outbox,
  maxRecords: number,
  maxChars: number,
  send: SendBatch,
  counters: OutboxCounters,
  log: BridgeLogger,
): Promise<{ readonly failure: DeliveryFailure | null; readonly records: number }> {
  const chunk = await outbox.read(maxRecords, maxChars);
  if (chunk.unreadable > 0) {
    counters.unreadableOutboxLines += chunk.unreadable;
    log.warn({ outbox: outbox.path, lines: chunk.unreadable }, 'unreadable usage outbox lines skipped (torn write)');
  }
  const first = chunk.entries[0];
  const failure = first === undefined ? null : await send(first.ledgerId, { dbPath: first.dbPath, ...gatewayIdOf(first) }, chunk.entries.map((e) => e.record));
  if (failure === null) {
    await outbox.commit(chunk.nextOffset);
    if (outbox.isEmpty) log.info({ outbox: outbox.path, delivered: counters.delivered }, 'usage outbox delivered and removed');
  }
  return { failure, records: chunk.entries.length };
}
