/**
 * The sender loop's sleep, which the hook can cut short without a timer or a promise per record: the loop waits
 * for a level (records buffered) or a timeout; `poke(level)` is a comparison unless the waiter's threshold is
 * reached. One waiter at a time, owned by one loop.
 */
export class Wakeup {
  #waiter: { readonly threshold: number; readonly resolve: () => void } | null = null;

  /** Resolves after `ms` (null: no timeout), or earlier when {@link poke} reaches `threshold` or {@link wake} is called. */
  wait(threshold: number, ms: number | null): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = ms === null ? undefined : setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        this.#waiter = null;
        resolve();
      };
      this.#waiter = { threshold, resolve: done };
    });
  }

  /** Ends the wait when `level` reached its threshold. */
  poke(level: number): void {
    if (this.#waiter !== null && level >= this.#waiter.threshold) this.#waiter.resolve();
  }

  /** Ends the wait now (stop, or something to report). */
  wake(): void {
    this.#waiter?.resolve();
  }
}
