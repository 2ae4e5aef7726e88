/**
 * The order of one plugin instance's calls to each thread. Signals and updates for one thread go through the same
 * {@link KeyedChain} entry, so a tool decision never overtakes the spawn result signalled just before it; a query
 * waits for them but holds up nothing, and learns whether a write started while it was answered (`stale`). Every
 * call is bounded by its deadline, time queued included.
 */
import { TemporalCallError } from '../shared/errors.ts';
import type { KeyedChain } from '../shared/keyed-chain.ts';
import { FactDivertedError, type SendTurn } from './send-turn.ts';

/** Orders the calls to each thread workflow (by its id); see the file comment. */
export class ThreadCallOrder {
  /** Queries in flight per thread workflow id, each marked stale when a write to the thread starts. */
  readonly #reads = new Map<string, Set<{ stale: boolean }>>();
  /** Signals and updates in flight per thread workflow id: a query that starts meanwhile is stale too. */
  readonly #writing = new Map<string, number>();

  constructor(private readonly chain: KeyedChain) {}

  /**
   * A query. It waits for the calls queued before it, so it sees this bridge's earlier facts, but later calls do not
   * wait for it: a query that hangs (no worker polling) never holds up a signal or an update. `stale` says a signal
   * or update to the thread started while it was answered, so the answer may miss it and must not replace what the
   * cache learned meanwhile.
   */
  async read<T>(workflowId: string, operation: string, deadline: number, call: () => Promise<T>): Promise<{ readonly value: T; readonly stale: boolean }> {
    await this.#queued(workflowId, operation, deadline, undefined, () => Promise.resolve());
    const read = { stale: (this.#writing.get(workflowId) ?? 0) > 0 };
    const reads = this.#reads.get(workflowId) ?? new Set();
    this.#reads.set(workflowId, reads.add(read));
    try {
      const value = await call();
      return { value, stale: read.stale };
    } finally {
      reads.delete(read);
      if (reads.size === 0 && this.#reads.get(workflowId) === reads) this.#reads.delete(workflowId);
    }
  }

  /** A signal or update: queued in the thread's chain; every query in flight for the thread while it runs is stale. `turn`: see {@link SendTurn}. */
  write<T>(workflowId: string, operation: string, deadline: number, turn: SendTurn | undefined, call: () => Promise<T>): Promise<T> {
    return this.#queued(workflowId, operation, deadline, turn, async () => {
      if (turn?.go() === false) throw new FactDivertedError(`${operation}: a fact observed before it waits in the outbox`);
      for (const read of this.#reads.get(workflowId) ?? []) read.stale = true;
      this.#writing.set(workflowId, (this.#writing.get(workflowId) ?? 0) + 1);
      try {
        return await call();
      } finally {
        const left = (this.#writing.get(workflowId) ?? 1) - 1;
        if (left > 0) this.#writing.set(workflowId, left);
        else this.#writing.delete(workflowId);
      }
    });
  }

  /**
   * Runs `task` in the thread's chain. The caller's deadline covers the time spent queued behind earlier calls too:
   * past it the call is given up with a `timeout`, and a call given up while queued never runs, so it cannot reach
   * the thread after the hook answered without it. `turn` hears of a failure before the next call starts.
   */
  #queued<T>(workflowId: string, operation: string, deadline: number, turn: SendTurn | undefined, task: () => Promise<T>): Promise<T> {
    let gaveUp = false;
    const queued = this.chain.run(workflowId, async () => {
      try {
        if (gaveUp) throw new TemporalCallError(operation, 'timeout', 'given up while queued behind earlier calls for this thread');
        return await task();
      } catch (err) {
        turn?.failed();
        throw err;
      }
    });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        gaveUp = true;
        reject(new TemporalCallError(operation, 'timeout', 'no answer before the deadline (queued behind earlier calls for this thread, or slow)'));
      }, Math.max(0, deadline - Date.now()));
    });
    return Promise.race([queued, expired]).finally(() => clearTimeout(timer));
  }
}
