/** Errors the bridge raises; each carries the context a log line or a test needs. */

/** A plugin config value our parser cannot use; `field` is the config key (dotted for nested keys). */
export class InvalidConfigError extends Error {
  override name = 'InvalidConfigError' as const;
  constructor(
    readonly pluginId: string,
    readonly field: string,
    reason: string,
  ) {
    super(`${pluginId}: invalid config: ${field}: ${reason}`);
  }
}

/**
 * Why a Temporal call from a hook did not give an answer; `overloaded`: the bridge's bound on calls in flight (or
 * queued for one peer) was reached and the call was never sent.
 */
export type TemporalFailureKind = 'not-started' | 'timeout' | 'unavailable' | 'rejected' | 'overloaded';

/** A Temporal call made by a hook failed or ran out of time; `kind` decides what the hook does about it. */
export class TemporalCallError extends Error {
  override name = 'TemporalCallError' as const;
  constructor(
    readonly operation: string,
    readonly kind: TemporalFailureKind,
    readonly detail: string,
  ) {
    super(`${operation}: ${kind}: ${detail}`);
  }
}
