/**
 * Decisions that wait for a condition of the bridge's own state (facts observed before them delivered, for
 * example): each waits until its condition holds — checked at once and again at every {@link ConditionWaiters.notify}
 * — or gives up at its deadline. Used by the gate's fact progress and the orchestrator's kept facts.
 */

/** The waiting decisions of one piece of state. */
export class ConditionWaiters {
  readonly #checks = new Set<() => void>();

  /** Resolves once `done()` holds; rejects with `timeoutError()` at `deadline` (epoch ms). */
  until(done: () => boolean, deadline: number, timeoutError: () => Error): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.#checks.delete(check);
      };
      const check = () => {
        if (!done()) return;
        finish();
        resolve();
      };
      const timer = setTimeout(() => {
        finish();
        reject(timeoutError());
      }, Math.max(0, deadline - Date.now()));
      this.#checks.add(check);
    });
  }

  /** The state changed: every waiter checks its condition again. */
  notify(): void {
    for (const check of [...this.#checks]) check();
  }
}
