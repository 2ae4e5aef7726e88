/**
 * The turn of one direct send of an observer fact in its workflow's chain (thread-client.ts, unthreaded.ts), so a
 * fact never overtakes one observed before it that went to the outbox (observer-facts.ts).
 */

/**
 * Asked by a signal when its turn in the thread's chain comes, so a fact never overtakes one observed before it
 * that went to the outbox: `go` false diverts it (rejected with {@link FactDivertedError}); `failed` is told of
 * every failure before the next call in the chain starts.
 */
export interface SendTurn {
  go(): boolean;
  failed(): void;
}

/** A signal not sent because a fact observed before it waits in the outbox: it goes there too. */
export class FactDivertedError extends Error {
  override name = 'FactDivertedError' as const;
}
