/**
 * The gate's one durable timer (runs since the `gate-timer-no-churn` patch): it is started for the earliest
 * deadline (arm expiry, watchdog) and left running when the deadline moves later — as it does on every use,
 * which extends the expiry. It then fires early, the loop finds nothing due and arms it for the new deadline:
 * one timer per `armTtlMs` instead of a cancel and a start per decision. Only a deadline that moved earlier
 * cancels it.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/** The timer; `armBy` is called each loop turn with the next deadline. */
export interface DeadlineTimer {
  /** Makes sure the timer fires no later than `deadline` (epoch ms); null: nothing due (a running timer is left). */
  armBy(deadline: number | null): void;
  /** Whether the timer as armed wakes the loop by `deadline` (or nothing is due): `armBy` would change nothing. */
  covers(deadline: number | null): boolean;
}

/** Creates the timer; `onFire` is called (in workflow context) when it fires. */
export function createDeadlineTimer(onFire: () => void): DeadlineTimer {
  let firesAt: number | null = null;
  let scope: CancellationScope | null = null;
  // A timer that fires for nothing wakes the loop once, harmlessly; cancelling it would cost as much.
  const covers = (deadline: number | null) => deadline === null || (firesAt !== null && firesAt <= deadline);
  return {
    covers,
    armBy(deadline) {
      if (deadline === null || covers(deadline)) return;
      scope?.cancel();
      const mine = new CancellationScope();
      scope = mine;
      firesAt = deadline;
      mine.run(() => sleep(Math.max(1, deadline - Date.now()))).then(
        () => {
          if (scope !== mine) return;
          scope = null;
          firesAt = null;
          onFire();
        },
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
    },
  };
}
