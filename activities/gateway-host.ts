/**
 * The slice of OpenClaw's session API (openclaw@2026.9.6) the gateway activities use, as structural types so
 * nothing here depends on the `openclaw` package. Declared with the activities that call it; the bridge's
 * `PluginApi` type (plugin-bridge/shared/openclaw-types.ts) refers to it from there.
 */

/** One next-turn injection (openclaw@2026.9.6 `PluginNextTurnInjection`): stored with the session entry. */
export interface NextTurnInjection {
  readonly sessionKey: string;
  readonly agentId?: string;
  readonly text: string;
  /** A pending injection with the same key is not added again. */
  readonly idempotencyKey?: string;
  readonly placement?: 'prepend_context' | 'append_context';
  readonly ttlMs?: number;
}

/** `enqueued: false` with an empty `id` means nothing was stored (no such session, injection disabled, invalid). */
export interface NextTurnInjectionResult {
  readonly enqueued: boolean;
  readonly id: string;
  readonly sessionKey: string;
}

/** `api.session.workflow`: the persisted per-session injection queue the retry events go through. */
export interface PluginSessionWorkflow {
  enqueueNextTurnInjection(injection: NextTurnInjection): Promise<NextTurnInjectionResult>;
}
