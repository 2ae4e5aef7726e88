/**
 * Session kinds (SEED-BEHAVIOUR §1.2): which policy, if any, applies to a session key.
 *
 * Orchestrator and worker sessions are only known from accepted spawns, so classification takes the known
 * sets as predicates: the workflow answers from its thread state, the bridge from its cache of bound threads.
 */

/** The four kinds of session the orchestrator rules distinguish. */
export const SessionKind = {
  Front: 'front',
  Orchestrator: 'orchestrator',
  Worker: 'worker',
  None: 'none',
} as const;
/** `front` (a user-facing agent session), `orchestrator`, `worker`, or `none` (no policy applies). */
export type SessionKind = (typeof SessionKind)[keyof typeof SessionKind];

/** What the caller knows about child sessions created by accepted spawns. */
export interface KnownSessions {
  /** True for the child of a front-controller's accepted `sessions_spawn`. */
  readonly isOrchestrator: (sessionKey: string) => boolean;
  /** True for the child of any other session's accepted `sessions_spawn`. */
  readonly isWorker: (sessionKey: string) => boolean;
}

/**
 * Whether a key has the shape of a front-controller session: `agent:` prefix (any case) and no
 * `:subagent:` segment. ACP children (`agent:<id>:acp:<uuid>`) have this shape too, which is why a known
 * orchestrator must still be excluded by {@link classifySession}.
 */
export function hasFrontControllerShape(sessionKey: string): boolean {
  const lower = sessionKey.toLowerCase();
  return lower.startsWith('agent:') && !lower.includes(':subagent:');
}

/**
 * Classifies a session key. A known orchestrator wins over the front-controller shape (§1.2); a session of
 * front-controller shape is a front even if some spawn also registered it as a worker, as in the original.
 */
export function classifySession(sessionKey: string | undefined, known: KnownSessions): SessionKind {
  if (sessionKey === undefined || sessionKey.length === 0) return SessionKind.None;
  if (known.isOrchestrator(sessionKey)) return SessionKind.Orchestrator;
  if (hasFrontControllerShape(sessionKey)) return SessionKind.Front;
  if (known.isWorker(sessionKey)) return SessionKind.Worker;
  return SessionKind.None;
}
