/**
 * Which `session_end` events end durable thread state (issue 9, defect 1). OpenClaw 2026.9.6 fires `session_end`
 * for every active session while the gateway shuts down or restarts (its active-sessions shutdown drain), and when
 * compaction moves a conversation into a successor session. Neither ends the conversation, so neither may close a
 * thread, unbind its orchestrator or tell its task workflows that the requester ended. Every other reason is a real
 * end of the session and forgets everything keyed by it, as the original did (SEED-BEHAVIOUR §1.6).
 */

/**
 * Every reason OpenClaw 2026.9.6 sends (`PluginHookSessionEndReason`), with where it comes from:
 * `new` and `reset` (the /new and /reset commands, sessions.reset, a child session succeeding its parent),
 * `idle` and `daily` (the reset policy found the session stale), `deleted` (sessions.delete),
 * `compaction` (compaction moved the transcript into a successor session under the same key),
 * `shutdown` and `restart` (the gateway's shutdown drain), `unknown` (an agent send rotated the session id for no
 * stated reason). Some emitters also pass no reason at all.
 */
export const SESSION_END_REASONS = ['new', 'reset', 'idle', 'daily', 'compaction', 'deleted', 'shutdown', 'restart', 'unknown'] as const;

/** The reasons after which the conversation goes on: the gateway stopped, or the transcript was compacted. */
export const SESSION_END_REASONS_KEEPING_THREADS: readonly string[] = ['shutdown', 'restart', 'compaction'];

/** Whether a `session_end` with this reason ends the session's thread state; a missing or unlisted reason does. */
export function sessionEndEndsThread(reason: unknown): boolean {
  return !(typeof reason === 'string' && SESSION_END_REASONS_KEEPING_THREADS.includes(reason.trim().toLowerCase()));
}
