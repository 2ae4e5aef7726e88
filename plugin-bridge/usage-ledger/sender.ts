/**
 * Delivery of usage records from the gateway to the usage ledger workflows, owned by the plugin's service.
 * The hook only appends to a bounded in-memory buffer (O(1), never awaits); one loop drains it in batches.
 * When a delivery fails, that batch and everything behind it go to the on-disk {@link Outbox}, and from then on
 * new records queue behind them on disk until the outbox is delivered, in order, and removed. Nothing is dropped
 * silently: a full buffer or a full outbox is counted and logged at warn.
 */
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { UsageRecordsEvent } from '../../workflows/usage/contract.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';
import { gatewayIdOf, type LedgerTarget } from '../../workflows/shared/ledger-target.ts';
import { deliveryFailure, type DeliveryFailure } from './delivery-failure.ts';
import type { Outbox } from './outbox.ts';
import { SendBuffer, type Queued } from './send-buffer.ts';
import { Wakeup } from '../shared/wakeup.ts';

/** Hands one batch to Temporal by `deadline` (epoch ms); rejects (a `TemporalCallError`) when it could not. */
export type Deliver = (ledgerId: string, event: UsageRecordsEvent, deadline: number) => Promise<unknown>;

export interface SenderOptions {
  readonly batchMaxRecords: number;
  /** Raw-JSON characters per batch after the first record (keeps a signal far below Temporal's payload limit). */
  readonly batchMaxChars: number;
  readonly bufferMaxRecords: number;
  readonly sendTimeoutMs: number;
  /** Longest pause between attempts while deliveries fail (the pause doubles from 200 ms up to this). */
  readonly retryIntervalMs: number;
}

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

/** Pause after the workflow refused a batch because its backlog is full: it writes a batch in about this long. */
const BUSY_PAUSE_MS = 100;

/** Records per outbox append: serialising them is synchronous work, so large spills are cut into slices. */
const SPILL_SLICE = 250;

export class UsageSender {
  readonly #buffer: SendBuffer;
  #outbox: Outbox | null = null;
  #target: LedgerTarget = { dbPath: '' };
  #running = false;
  #loop: Promise<void> | null = null;
  readonly #wakeup = new Wakeup();
  #failures = 0;
  #limit: number;
  #lastFailureAt: number | null = null;
  readonly #stats: Omit<SenderStats, 'buffered' | 'outboxBytes'> = {
    delivered: 0, spilled: 0, failedAttempts: 0, busyRefusals: 0, droppedBufferFull: 0, droppedOutboxFull: 0, unreadableOutboxLines: 0,
  };

  constructor(
    private readonly deliver: Deliver,
    private readonly log: BridgeLogger,
    private readonly options: SenderOptions,
  ) {
    this.#limit = options.batchMaxRecords;
    this.#buffer = new SendBuffer(options.bufferMaxRecords);
  }

  /** Queues a record (called by the hook: constant time, no I/O). A full buffer drops it and counts the drop. */
  enqueue(ledgerId: string, record: UsageRecord): void {
    if (!this.#buffer.push({ ledgerId, record })) {
      this.#stats.droppedBufferFull += 1;
      this.#wakeup.wake();
      return;
    }
    this.#wakeup.poke(this.#buffer.length);
  }

  /**
   * Opens the outbox (records left by an earlier run are delivered first) and starts the loop; records go to the
   * ledger `dbPath` on the host `gatewayId` (the fixed ledger queue's host when undefined).
   */
  async start(dbPath: string, outbox: Outbox, gatewayId?: string): Promise<void> {
    if (this.#running) return;
    await outbox.open();
    this.#outbox = outbox;
    this.#target = { dbPath, ...(gatewayId !== undefined && { gatewayId }) };
    this.#running = true;
    if (!outbox.isEmpty) this.log.info({ outbox: outbox.path, bytes: outbox.pendingBytes }, 'usage outbox from an earlier run: delivering it first');
    this.#loop = this.#run();
  }

  /** Stops the loop after its current step (bounded by `sendTimeoutMs`) and writes what is still buffered to the outbox. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#wakeup.wake();
    await this.#loop;
    const left = this.#buffer.drain();
    await this.#spill(left).catch((err: unknown) => this.log.error({ err, lost: left.length }, 'usage records could not be written to the outbox at shutdown'));
  }

  /** When a delivery last failed (epoch ms), or null: the connection may still be retrying it internally. */
  get lastFailureAt(): number | null {
    return this.#lastFailureAt;
  }

  stats(): SenderStats {
    return { ...this.#stats, buffered: this.#buffer.length, outboxBytes: this.#outbox?.pendingBytes ?? 0 };
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        this.#reportBufferDrops();
        if (this.#outbox?.isEmpty !== false) await this.#sendFromBuffer();
        else await this.#sendFromOutbox(this.#outbox);
      } catch (err) {
        this.log.error({ err }, 'usage delivery step failed; retrying');
        await this.#pause(this.options.retryIntervalMs);
      }
    }
  }

  async #sendFromBuffer(): Promise<void> {
    const batch = this.#buffer.takeBatch(this.#limit, this.options.batchMaxChars);
    if (batch.length === 0) return this.#wait(1, null);
    const ledgerId = batch[0]?.ledgerId ?? 'default';
    const failure = await this.#send(ledgerId, this.#target, batch.map((q) => q.record));
    if (failure === null) return;
    if (failure.busy) {
      // The workflow is catching up: keep the batch first in line; only a filling buffer goes to disk.
      this.#buffer.unshift(batch);
      if (this.#buffer.length >= this.options.bufferMaxRecords / 2) await this.#spill(this.#buffer.drain());
      else await this.#pause(BUSY_PAUSE_MS);
      return;
    }
    const waiting = [...batch, ...this.#buffer.drain()];
    const why = failure.kind === 'rejected' ? 'Temporal refused the usage records' : 'Temporal unreachable';
    this.log.warn({ kind: failure.kind, detail: failure.detail, records: waiting.length, outbox: this.#outbox?.path }, `${why}: usage records wait in the outbox`);
    await this.#spill(waiting);
  }

  async #sendFromOutbox(outbox: Outbox): Promise<void> {
    await this.#spill(this.#buffer.drain()); // new records queue behind the ones already on disk
    const chunk = await outbox.read(this.#limit, this.options.batchMaxChars);
    if (chunk.unreadable > 0) {
      this.#stats.unreadableOutboxLines += chunk.unreadable;
      this.log.warn({ outbox: outbox.path, lines: chunk.unreadable }, 'unreadable usage outbox lines skipped (torn write)');
    }
    const first = chunk.entries[0];
    const failure = first === undefined ? null : await this.#send(first.ledgerId, { dbPath: first.dbPath, ...gatewayIdOf(first) }, chunk.entries.map((e) => e.record));
    if (failure === null) {
      await outbox.commit(chunk.nextOffset);
      if (outbox.isEmpty) this.log.info({ outbox: outbox.path, delivered: this.#stats.delivered }, 'usage outbox delivered and removed');
      return;
    }
    if (failure.busy) return this.#pause(BUSY_PAUSE_MS);
    // Refused outright (not unreachable): try smaller batches, in case one record or the size is the problem.
    if (failure.kind === 'rejected' && chunk.entries.length > 1) this.#limit = Math.max(1, Math.floor(chunk.entries.length / 2));
    await this.#pause(Math.min(this.options.retryIntervalMs, 200 * 2 ** Math.min(this.#failures, 10)));
  }

  async #send(ledgerId: string, target: LedgerTarget, records: UsageRecord[]): Promise<DeliveryFailure | null> {
    try {
      await this.deliver(ledgerId, { ...target, records }, Date.now() + this.options.sendTimeoutMs);
      this.#stats.delivered += records.length;
      this.#failures = 0;
      this.#limit = this.options.batchMaxRecords;
      return null;
    } catch (err) {
      const failure = deliveryFailure(err);
      if (failure.busy) {
        this.#stats.busyRefusals += 1;
        this.log.debug({ ledgerId, records: records.length }, 'usage ledger busy: batch refused for now');
        return failure;
      }
      this.#stats.failedAttempts += 1;
      this.#lastFailureAt = Date.now();
      this.#failures += 1;
      const { kind, detail } = failure;
      if (this.#failures === 1 || this.#failures % 50 === 0) this.log.warn({ ledgerId, records: records.length, attempts: this.#failures, kind, detail }, 'usage delivery failed; will retry');
      return failure;
    }
  }

  /**
   * Appends to the outbox in slices, yielding to the event loop between them so a large spill never stalls the
   * gateway. On a disk error the records not yet written go back to the head of the buffer and the error propagates.
   */
  async #spill(queued: readonly Queued[]): Promise<void> {
    const outbox = this.#outbox;
    if (queued.length === 0 || outbox === null) return;
    let refused = 0;
    for (let from = 0; from < queued.length; from += SPILL_SLICE) {
      const slice = queued.slice(from, from + SPILL_SLICE);
      try {
        const result = await outbox.append(slice.map((q) => ({ ledgerId: q.ledgerId, ...this.#target, record: q.record })));
        this.#stats.spilled += result.written;
        refused += result.refused;
      } catch (err) {
        this.#buffer.unshift(queued.slice(from));
        throw err;
      }
    }
    if (refused === 0) return;
    this.#stats.droppedOutboxFull += refused;
    this.log.warn(
      { dropped: refused, droppedTotal: this.#stats.droppedOutboxFull, outbox: outbox.path, outboxBytes: outbox.pendingBytes, outboxMaxBytes: outbox.maxBytes },
      'usage outbox full: records dropped',
    );
  }

  #reportBufferDrops(): void {
    const dropped = this.#buffer.takeUnreportedDrops();
    if (dropped === 0) return;
    this.log.warn({ dropped, droppedTotal: this.#stats.droppedBufferFull, bufferMaxRecords: this.options.bufferMaxRecords }, 'usage buffer full: records dropped');
  }

  /** Pauses up to `ms`, ending early on stop or once half the buffer is used (so it is spilled in time). */
  #pause(ms: number): Promise<void> {
    return this.#wait(Math.max(1, Math.floor(this.options.bufferMaxRecords / 2)), ms);
  }

  #wait(threshold: number, ms: number | null): Promise<void> {
    if (!this.#running || this.#buffer.length >= threshold || this.#buffer.unreportedDrops > 0) return Promise.resolve();
    return this.#wakeup.wait(threshold, ms);
  }
}
