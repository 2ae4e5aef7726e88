/**
 * Which threads (or requester records) have facts kept in the orchestrator's outbox and not delivered yet, and
 * the tool decisions waiting for them (observer-facts.ts): a decision for a thread must not overtake the facts
 * observed before it. Facts left by an earlier run are not counted by key: until they are through, every
 * decision waits.
 */
import { ConditionWaiters } from '../shared/condition-waiters.ts';
import { TemporalCallError } from '../shared/errors.ts';

export class KeptFactCounts {
  readonly #byKey = new Map<string, number>();
  readonly #waiters = new ConditionWaiters();
  #backlog = false;
  #open = false;

  /** Starts counting; `backlog`: the outbox holds facts of an earlier run. */
  open(backlog: boolean): void {
    this.#byKey.clear();
    this.#backlog = backlog;
    this.#open = true;
  }

  /** Stops counting: nobody waits any more (the decisions go on as without an outbox). */
  close(): void {
    this.#open = false;
    this.#notify();
  }

  add(key: string): void {
    this.#byKey.set(key, (this.#byKey.get(key) ?? 0) + 1);
  }

  /** A fact of `key` was delivered (or dead-lettered, or could not be kept after all). */
  remove(key: string): void {
    const left = (this.#byKey.get(key) ?? 0) - 1;
    if (left > 0) this.#byKey.set(key, left);
    else this.#byKey.delete(key);
    this.#notify();
  }

  /** Every fact of an earlier run is through. */
  backlogDone(): void {
    if (!this.#backlog) return;
    this.#backlog = false;
    this.#notify();
  }

  /** Whether a decision for `key` has nothing to wait for. */
  clear(key: string): boolean {
    return !this.#open || (!this.#backlog && !this.#byKey.has(key));
  }

  /** Resolves once nothing is kept for `key`; rejects with a `timeout` {@link TemporalCallError} at `deadline`. */
  waitFor(key: string, deadline: number): Promise<void> {
    return this.#waiters.until(
      () => this.clear(key),
      deadline,
      () => new TemporalCallError('orchestrator.kept-facts', 'timeout', 'facts kept for this thread while Temporal could not be told are not delivered yet'),
    );
  }

  #notify(): void {
    this.#waiters.notify();
  }
}
