/**
 * The hook's side of the usage sender: a bounded queue in memory. Appending is constant time and never waits;
 * a full queue drops the record and counts it, so the loop can report the drops at warn. The sender's loop sleeps
 * on the queue: an append that fills it to the loop's threshold, or a drop, wakes it.
 */
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';
import { Wakeup } from '../shared/wakeup.ts';

/** One buffered record and the ledger it goes to. */
export interface Queued {
  readonly ledgerId: string;
  readonly record: UsageRecord;
}

/** Usage records waiting in memory, oldest first, at most `maxRecords`. */
export class SendBuffer {
  #items: Queued[] = [];
  #unreportedDrops = 0;
  readonly #wakeup = new Wakeup();

  constructor(readonly maxRecords: number) {}

  get length(): number {
    return this.#items.length;
  }

  /** Appends `queued`; false when the buffer is full (the record is dropped and counted). Wakes the loop's {@link wait}. */
  push(queued: Queued): boolean {
    if (this.#items.length >= this.maxRecords) {
      this.#unreportedDrops += 1;
      this.#wakeup.wake();
      return false;
    }
    this.#items.push(queued);
    this.#wakeup.poke(this.#items.length);
    return true;
  }

  /** Resolves after `ms` (null: no timeout), or once `threshold` records are buffered or a drop waits to be reported. */
  wait(threshold: number, ms: number | null): Promise<void> {
    if (this.#items.length >= threshold || this.#unreportedDrops > 0) return Promise.resolve();
    return this.#wakeup.wait(threshold, ms);
  }

  /** Ends a {@link wait} now (the sender stops). */
  wake(): void {
    this.#wakeup.wake();
  }

  /** Leading records of one ledger, at most `limit` and `maxChars` of raw JSON after the first; removed from the buffer. */
  takeBatch(limit: number, maxChars: number): Queued[] {
    const ledgerId = this.#items[0]?.ledgerId;
    let take = 0;
    let chars = 0;
    for (const queued of this.#items) {
      chars += queued.record.rawJson.length;
      if (queued.ledgerId !== ledgerId || (take > 0 && (take >= limit || chars > maxChars))) break;
      take += 1;
    }
    return this.#items.splice(0, take);
  }

  /** Everything buffered, oldest first; the buffer is empty afterwards. */
  drain(): Queued[] {
    const all = this.#items;
    this.#items = [];
    return all;
  }

  /** Puts records back in front (a batch refused for now, or records the outbox could not take). */
  unshift(queued: readonly Queued[]): void {
    this.#items = [...queued, ...this.#items];
  }

  /** The drops not reported yet; counting starts again from zero. */
  takeUnreportedDrops(): number {
    const dropped = this.#unreportedDrops;
    this.#unreportedDrops = 0;
    return dropped;
  }
}
