/**
 * How far the delivery of the gate's facts has come, and who waits for it: an outbound decision waits until the
 * facts observed before it for its peer (and every fact of an earlier run) are delivered, so it never overtakes
 * the trigger sent before it. Facts are numbered in the order they were recorded.
 */
import { ConditionWaiters } from '../shared/condition-waiters.ts';
import { FactsPendingError } from './fact-entry.ts';

/** The delivery progress of one run's facts (see the file comment). */
export class FactProgress {
  #delivered = 0;
  /** Facts of an earlier run are still in the outbox. */
  #backlog = false;
  readonly #lastByPeer = new Map<string, number>();
  readonly #waiters = new ConditionWaiters();

  /** Facts of an earlier run wait in the outbox: decisions wait for them too. */
  startWithBacklog(backlog: boolean): void {
    this.#backlog = backlog;
  }

  /** The highest fact number of this run delivered so far. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Fact `seq` was recorded for `peer` (null: a fact no decision waits for). */
  recorded(peer: string | null, seq: number): void {
    if (peer !== null) this.#lastByPeer.set(peer, seq);
  }

  /** Fact `seq` for `peer` never reached the outbox: nobody waits for it. */
  lost(peer: string | null, seq: number): void {
    if (peer !== null && this.#lastByPeer.get(peer) === seq) this.#lastByPeer.set(peer, seq - 1);
  }

  /** Resolves once every fact recorded so far for `peer` (and every fact of an earlier run) is delivered; rejects at `deadline`. */
  after(peer: string, deadline: number): Promise<void> {
    const target = this.#lastByPeer.get(peer) ?? 0;
    return this.#waiters.until(
      () => !this.#backlog && this.#delivered >= target,
      deadline,
      () => new FactsPendingError(`facts observed before this decision are not delivered yet (Temporal unreachable?)`),
    );
  }

  /** Delivery reached `seq` of this run; `backlogDone`: nothing of an earlier run is left before it. */
  reached(seq: number, backlogDone: boolean): void {
    this.#delivered = Math.max(this.#delivered, seq);
    if (backlogDone) this.#backlog = false;
    this.#waiters.notify();
  }
}
