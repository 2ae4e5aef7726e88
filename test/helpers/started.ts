/** Reading a part a suite's `before` hook starts. */

/** `value`, or an error naming `what` when it is not running (the suite's `before` hook has not run, or failed). */
export function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not running (not started yet, or its start failed)`);
  return value;
}
