/**
 * The time bounds of the bridge's calls: a call gives up at its deadline or when the bridge stops, and a
 * stopping bridge waits for what is still running only so long.
 */
import { TemporalCallError } from './errors.ts';

/** Resolves once `work` settled or `ms` passed, whichever comes first; never rejects. */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.then(() => undefined, () => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** A call's giving up: `rejected` rejects when it does; `dispose()` once the call has settled. */
export interface GiveUp {
  readonly rejected: Promise<never>;
  dispose(): void;
}

/**
 * Gives up on `operation` after `remainingMs` (kind `timeout`) or once `stopping` aborts (kind `not-started`),
 * aborting `abort` first so the SDK drops the request.
 */
export function giveUp(operation: string, remainingMs: number, stopping: AbortSignal, abort: AbortController): GiveUp {
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  const rejected = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new TemporalCallError(operation, 'timeout', `no answer within ${remainingMs} ms`));
    }, remainingMs);
    onStop = () => {
      abort.abort();
      reject(new TemporalCallError(operation, 'not-started', 'the Temporal client service stopped before an answer came'));
    };
    stopping.addEventListener('abort', onStop, { once: true });
  });
  return {
    rejected,
    dispose() {
      clearTimeout(timer);
      if (onStop !== undefined) stopping.removeEventListener('abort', onStop);
    },
  };
}
