/**
 * Delivery of usage records from the gateway to the usage ledger workflows, owned by the plugin's service.
 * The hook only appends to a bounded in-memory buffer (O(1), never awaits); one loop drains it in batches.
 * When a delivery fails, that batch and everything behind it go to the on-disk {@link Outbox}, and from then on
 * new records queue behind them on disk until the outbox is delivered, in order, and removed. Nothing is dropped
 * silently: a full buffer or a full outbox is counted and logged at warn.
 */
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';
import type { LedgerTarget } from '../../workflows/shared/ledger-target.ts';
import type { DeliveryFailure } from './delivery-failure.ts';
import { DeliveryAttempts, type Deliver } from './delivery-attempts.ts';
import type { Outbox } from './outbox.ts';
import { SendBuffer, type Queued } from './send-buffer.ts';
import { BUSY_PAUSE_MS, senderCounters, type SenderOptions, type SenderStats } from './sender-options.ts';
import { deliverOutboxChunk, spillToOutbox } from './sender-outbox.ts';

export type { Deliver } from './delivery-attempts.ts';
export type { SenderOptions, SenderStats } from './sender-options.ts';

export class UsageSender {
  readonly #buffer: SendBuffer;
  #outbox: Outbox | null = null;
  #target: LedgerTarget = { dbPath: '' };
  #running = false;
  #loop: Promise<void> | null = null;
  readonly #attempts: DeliveryAttempts;
  #limit: number;
  readonly #stats = senderCounters();

  constructor(
    deliver: Deliver,
    private readonly log: BridgeLogger,
    private readonly options: SenderOptions,
  ) {
    this.#attempts = new DeliveryAttempts(deliver, log, this.#stats, options.sendTimeoutMs);
    this.#limit = options.batchMaxRecords;
    this.#buffer = new SendBuffer(options.bufferMaxRecords);
  }

  /** Queues a record (called by the hook: constant time, no I/O). A full buffer drops it and counts the drop. */
  enqueue(ledgerId: string, record: UsageRecord): void {
    if (!this.#buffer.push({ ledgerId, record })) this.#stats.droppedBufferFull += 1;
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
    this.#buffer.wake();
    await this.#loop;
    const left = this.#buffer.drain();
    await this.#spill(left).catch((err: unknown) => this.log.error({ err, lost: left.length }, 'usage records could not be written to the outbox at shutdown'));
  }

  /** When a delivery last failed (epoch ms), or null: the connection may still be retrying it internally. */
  get lastFailureAt(): number | null {
    return this.#attempts.lastFailureAt;
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
    const { failure, records } = await deliverOutboxChunk(outbox, this.#limit, this.options.batchMaxChars, (...batch) => this.#send(...batch), this.#stats, this.log);
    if (failure === null) return;
    if (failure.busy) return this.#pause(BUSY_PAUSE_MS);
    // Refused outright (not unreachable): try smaller batches, in case one record or the size is the problem.
    if (failure.kind === 'rejected' && records > 1) this.#limit = Math.max(1, Math.floor(records / 2));
    await this.#pause(Math.min(this.options.retryIntervalMs, 200 * 2 ** Math.min(this.#attempts.failures, 10)));
  }

  /** One attempt; a delivered batch lets the next ones be full size again. */
  async #send(ledgerId: string, target: LedgerTarget, records: UsageRecord[]): Promise<DeliveryFailure | null> {
    const failure = await this.#attempts.send(ledgerId, target, records);
    if (failure === null) this.#limit = this.options.batchMaxRecords;
    return failure;
  }

  /** Appends to the outbox (see sender-outbox.ts); on a disk error the unwritten records go back to the buffer's head. */
  async #spill(queued: readonly Queued[]): Promise<void> {
    const outbox = this.#outbox;
    if (queued.length === 0 || outbox === null) return;
    await spillToOutbox(outbox, queued, this.#target, this.#stats, this.log, (rest) => this.#buffer.unshift(rest));
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
    return this.#running ? this.#buffer.wait(threshold, ms) : Promise.resolve();
  }
}
