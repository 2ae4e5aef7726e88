/**
 * One delivery of a batch of usage records to Temporal, and what the attempts so far say: how many failed in a
 * row (the sender's back-off grows with it) and when the last one failed. A busy refusal (the workflow's backlog
 * is full) is counted apart: it is not a failure.
 */
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { UsageRecordsEvent } from '../../workflows/usage/contract.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';
import type { LedgerTarget } from '../../workflows/shared/ledger-target.ts';
import { deliveryFailure, type DeliveryFailure } from './delivery-failure.ts';

/** Hands one batch to Temporal by `deadline` (epoch ms); rejects (a `TemporalCallError`) when it could not. */
export type Deliver = (ledgerId: string, event: UsageRecordsEvent, deadline: number) => Promise<unknown>;

/** The sender's counters an attempt moves. */
export interface AttemptCounters {
  delivered: number;
  failedAttempts: number;
  busyRefusals: number;
}

/** Sends batches one at a time, counting into `counters` and logging the 1st and every 50th failure in a row. */
export class DeliveryAttempts {
  #failures = 0;
  #lastFailureAt: number | null = null;

  constructor(
    private readonly deliver: Deliver,
    private readonly log: BridgeLogger,
    private readonly counters: AttemptCounters,
    private readonly sendTimeoutMs: number,
  ) {}

  /** Failed attempts since the last delivered batch (busy refusals not counted). */
  get failures(): number {
    return this.#failures;
  }

  /** When a delivery last failed (epoch ms), or null. */
  get lastFailureAt(): number | null {
    return this.#lastFailureAt;
  }

  /** Delivers `records` to the ledger `target`; null when delivered, else what the failure means. Never rejects. */
  async send(ledgerId: string, target: LedgerTarget, records: UsageRecord[]): Promise<DeliveryFailure | null> {
    try {
      await this.deliver(ledgerId, { ...target, records }, Date.now() + this.sendTimeoutMs);
      this.counters.delivered += records.length;
      this.#failures = 0;
      return null;
    } catch (err) {
      const failure = deliveryFailure(err);
      if (failure.busy) {
        this.counters.busyRefusals += 1;
        this.log.debug({ ledgerId, records: records.length }, 'usage ledger busy: batch refused for now');
        return failure;
      }
      this.counters.failedAttempts += 1;
      this.#lastFailureAt = Date.now();
      this.#failures += 1;
      const { kind, detail } = failure;
      if (this.#failures === 1 || this.#failures % 50 === 0) this.log.warn({ ledgerId, records: records.length, attempts: this.#failures, kind, detail }, 'usage delivery failed; will retry');
      return failure;
    }
  }
}
