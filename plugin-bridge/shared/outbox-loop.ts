/**
 * The life of an outbox that one delivery loop drains, as the gate's facts (lorene-gate/facts.ts) and the
 * orchestrator's observer facts (orchestrator/observer-facts.ts) both run it: every call to the file goes one at
 * a time (hooks append while the loop reads and commits), `start` opens the file before the loop runs, and `stop`
 * ends the loop after its current delivery and waits for the file calls still queued. What is not delivered stays
 * in the file for the next start. One per plugin instance.
 */
import type { Outbox } from './outbox.ts';
import { Wakeup } from './wakeup.ts';

/** An outbox and the one loop that delivers it (see the file comment). */
export class OutboxLoop<E> {
  #outbox: Outbox<E> | null = null;
  #io: Promise<unknown> = Promise.resolve();
  #running = false;
  #loop: Promise<void> | null = null;
  /** Woken by each append: the loop waits on it while the outbox is empty. */
  readonly newFact = new Wakeup();

  /** Whether the loop runs (between {@link start} and {@link stop}). */
  get running(): boolean {
    return this.#running;
  }

  /** The outbox once {@link start} opened it, else null. */
  get outbox(): Outbox<E> | null {
    return this.#outbox;
  }

  /**
   * Opens `outbox`, lets `prepare` read what an earlier run left in it, and starts `loop` on it. Does nothing
   * while running; rejects (and runs nothing) when the file cannot be opened.
   */
  async start(outbox: Outbox<E>, prepare: (outbox: Outbox<E>) => void, loop: (outbox: Outbox<E>) => Promise<void>): Promise<void> {
    if (this.#running) return;
    await this.serial(() => outbox.open());
    this.#outbox = outbox;
    prepare(outbox);
    this.#running = true;
    this.#loop = loop(outbox);
  }

  /** Stops the loop (`wake` cuts its other waits short) and waits for it and for the file calls still queued. */
  async stop(wake: () => void): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    wake();
    this.newFact.wake();
    await this.#loop;
    await this.#io;
  }

  /** Runs one call to the file after those queued before it; a failed call does not hold up the next. */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#io.then(task);
    this.#io = next.catch(() => undefined);
    return next;
  }

  /** Resolves once the file calls queued so far are done. */
  idle(): Promise<unknown> {
    return this.#io;
  }
}
