/**
 * The bridge's bound on Temporal calls in flight at once (all peers together). Under overload, calls past the
 * bound wait here, in order, instead of piling onto a saturated server where every call would slow down and all
 * would miss their deadlines together: the ones admitted still answer in time. A call that would have to wait
 * longer than its deadline allows (estimated from how long recent calls held their slot) is refused at once, and
 * one whose deadline passes while it waits is given up; neither is ever sent (kind `overloaded`). So no stale
 * queue builds up: when the load drops, the bridge answers at the usual speed at once.
 */
import { TemporalCallError } from './errors.ts';

/** @default calls in flight at once per bridge (plugin instance) */
export const DEFAULT_MAX_IN_FLIGHT = 8;

/** Weight of the newest call in the running mean of how long a call holds its slot. */
const SMOOTHING = 0.2;

interface Waiter {
  readonly admit: () => void;
  readonly timer: NodeJS.Timeout;
}

export class Admission {
  #running = 0;
  readonly #waiting: Waiter[] = [];
  /** Running mean of how long a call held its slot (ms); 0 until a call ended. */
  #slotMs = 0;

  constructor(readonly maxInFlight = DEFAULT_MAX_IN_FLIGHT) {}

  /** Calls in flight and calls waiting for a slot (diagnostics, tests). */
  get load(): { readonly running: number; readonly waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  /** Runs `fn` once a slot is free; rejects with kind `overloaded` when `deadline` passes first. */
  async run<T>(operation: string, deadline: number, fn: () => Promise<T>): Promise<T> {
    if (this.#running >= this.maxInFlight) {
      // Slots free up at about maxInFlight per slot time: the calls ahead, then this one's own round trip.
      const expectedMs = ((this.#waiting.length + 1) / this.maxInFlight + 1) * this.#slotMs;
      if (Date.now() + expectedMs > deadline) {
        throw new TemporalCallError(operation, 'overloaded', `${this.#running + this.#waiting.length} calls ahead at ${Math.round(this.#slotMs)} ms each would pass the deadline (at most ${this.maxInFlight} in flight); never sent`);
      }
      await this.#slot(operation, deadline);
    } else this.#running++;
    const started = Date.now();
    try {
      return await fn();
    } finally {
      const held = Date.now() - started;
      this.#slotMs = this.#slotMs === 0 ? held : this.#slotMs + SMOOTHING * (held - this.#slotMs);
      this.#release();
    }
  }

  #slot(operation: string, deadline: number): Promise<void> {
    const queuedBehind = this.#running + this.#waiting.length;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const at = this.#waiting.indexOf(waiter);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(new TemporalCallError(operation, 'overloaded', `no free slot before the deadline (${queuedBehind} calls ahead, at most ${this.maxInFlight} in flight); never sent`));
        }, Math.max(0, deadline - Date.now())),
      };
      this.#waiting.push(waiter);
    });
  }

  /** Hands the slot to the first waiter (the count stays), or frees it. */
  #release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#running--;
    else next.admit();
  }
}
