/**
 * Runs async tasks one after another per key (one chain per gate workflow id), so an outbound decision for a
 * peer never overtakes the inbound trigger signal sent just before it. Held by a plugin instance, never at
 * module level; a key's entry is dropped once its chain is idle.
 */

/** A task given up by {@link KeyedChain.runBy}: its deadline passed while it waited, or while it ran. */
export class ChainDeadlineError extends Error {
  override name = 'ChainDeadlineError' as const;
  constructor(
    readonly key: string,
    /** True when the task never started (it was still queued behind earlier tasks). */
    readonly queued: boolean,
  ) {
    super(`${key}: deadline passed ${queued ? 'while queued behind earlier calls (never sent)' : 'while running'}`);
  }
}

/** A task refused by {@link KeyedChain.run}: `maxPerKey` tasks for its key were already queued or running. */
export class ChainFullError extends Error {
  override name = 'ChainFullError' as const;
  constructor(
    readonly key: string,
    readonly maxPerKey: number,
  ) {
    super(`${key}: overloaded: ${maxPerKey} calls already queued or running for it (never sent)`);
  }
}

/** @default no bound: tasks queued or running per key before more are refused (lorene-gate sets one) */
export const DEFAULT_MAX_PER_KEY = Number.POSITIVE_INFINITY;

export class KeyedChain {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #counts = new Map<string, number>();

  /** `maxPerKey`: tasks queued or running per key; one more is refused at once ({@link ChainFullError}). */
  constructor(readonly maxPerKey = DEFAULT_MAX_PER_KEY) {}

  /**
   * Queues `task` behind every task queued earlier under `key`; its result (or error) is returned as is. Refused
   * with {@link ChainFullError} when `maxPerKey` tasks for the key are queued or running already.
   */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const count = this.#counts.get(key) ?? 0;
    if (count >= this.maxPerKey) return Promise.reject(new ChainFullError(key, this.maxPerKey));
    this.#counts.set(key, count + 1);
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
      const left = (this.#counts.get(key) ?? 1) - 1;
      if (left > 0) this.#counts.set(key, left);
      else this.#counts.delete(key);
    });
    return result;
  }

  /**
   * Like {@link run}, but answers by `deadline` (epoch ms) whatever the tasks before it do: a task still queued
   * when the deadline passes is never started and rejects with {@link ChainDeadlineError}. `task` must itself
   * settle by the deadline once started (a bounded Temporal call). Tasks queued later still wait for the
   * earlier ones (the order holds), not for the one given up.
   */
  runBy<T>(key: string, deadline: number, task: () => Promise<T>): Promise<T> {
    let expired = false;
    let started = false;
    const chained = this.run(key, () => {
      if (expired || Date.now() >= deadline) {
        expired = true;
        return Promise.reject(new ChainDeadlineError(key, true));
      }
      started = true;
      return task();
    });
    return new Promise<T>((resolve, reject) => {
      // Past the deadline a task still queued is given up; one already running answers by the same deadline
      // itself (Temporal calls are bounded by it) and its own error says why.
      const timer = setTimeout(() => {
        expired = true;
        if (!started) reject(new ChainDeadlineError(key, true));
      }, Math.max(0, deadline - Date.now()));
      chained.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /** Keys with queued or running work (for tests and diagnostics). */
  get activeKeys(): number {
    return this.#tails.size;
  }
}
