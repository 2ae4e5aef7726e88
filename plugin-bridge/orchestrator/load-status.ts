/**
 * Whether the thread cache reflects Temporal, and a bounded wait for the load in progress. Decisions made
 * while the cache is not loaded follow the `unloaded` rules of route.ts instead of trusting an empty cache.
 */

/** `unloaded` until a rebuild from Temporal succeeds (and again after one failed), `loading` while one runs. */
export type DirectoryStatus = 'unloaded' | 'loading' | 'ready';

/** The load state of the cache; {@link ThreadDirectory} extends it. */
export class LoadStatus {
  #status: DirectoryStatus = 'unloaded';
  #waiters: Array<() => void> = [];

  get status(): DirectoryStatus {
    return this.#status;
  }

  /** Records the outcome of a rebuild (told as a `load` fact); waiters of {@link settled} are released unless it is `loading`. */
  protected setStatus(status: DirectoryStatus): void {
    this.#status = status;
    if (status === 'loading') return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits while a rebuild runs, at most until `deadline` (epoch ms); resolves with the status then. */
  async settled(deadline: number): Promise<DirectoryStatus> {
    if (this.#status !== 'loading') return this.#status;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.#status;
  }
}
