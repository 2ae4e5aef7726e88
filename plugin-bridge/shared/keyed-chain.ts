/**
 * Runs async tasks one after another per key (one chain per gate workflow id), so an outbound decision for a
 * peer never overtakes the inbound trigger signal sent just before it. Held by a plugin instance, never at
 * module level; a key's entry is dropped once its chain is idle.
 */
export class KeyedChain {
  readonly #tails = new Map<string, Promise<void>>();

  /** Queues `task` behind every task queued earlier under `key`; its result (or error) is returned as is. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running work (for tests and diagnostics). */
  get activeKeys(): number {
    return this.#tails.size;
  }
}
