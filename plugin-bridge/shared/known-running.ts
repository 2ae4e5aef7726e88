/**
 * Workflow ids this bridge has seen running (a call that started or reached them succeeded). A call to one of them
 * goes as a plain update or signal — no start options (summary, details, search attributes) to encode, send and
 * check on every call — and falls back to the with-start form when the workflow turns out to be gone
 * (`WorkflowNotFoundError`: terminated, or never started on this server). Bounded: the oldest ids are forgotten.
 */
import { WorkflowNotFoundError } from '@temporalio/client';

/** @default ids remembered */
export const DEFAULT_KNOWN_RUNNING = 10_000;

export class KnownRunning {
  readonly #ids = new Set<string>();

  constructor(private readonly capacity = DEFAULT_KNOWN_RUNNING) {}

  /**
   * Runs `plain` when `workflowId` is known to run, else (or when `plain` finds no workflow) `withStart`; a
   * success remembers the id.
   */
  async call<T>(workflowId: string, plain: () => Promise<T>, withStart: () => Promise<T>): Promise<T> {
    if (this.#ids.has(workflowId)) {
      try {
        return await plain();
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        this.#ids.delete(workflowId);
      }
    }
    const result = await withStart();
    this.remember(workflowId);
    return result;
  }

  has(workflowId: string): boolean {
    return this.#ids.has(workflowId);
  }

  remember(workflowId: string): void {
    this.#ids.delete(workflowId);
    this.#ids.add(workflowId);
    if (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
  }
}
