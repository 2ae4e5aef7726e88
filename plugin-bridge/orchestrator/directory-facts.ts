/**
 * What the thread cache (directory.ts) is told, all through its one entry point `observe`: what the loader read
 * from Temporal, what a thread answered, and what the gateway's hooks saw of sessions. Each fact names what was
 * seen, not what the cache should do with it; the cache alone decides that.
 */
import type { SessionKind } from '../../workflows/orchestrator/session.ts';
import type { ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import type { DirectoryStatus } from './load-status.ts';

/** What a thread answered about a tool call (the fields of `ToolCallOutcome` the cache reads). */
export interface OutcomeFacts {
  readonly kind: SessionKind;
  readonly orchestratorKey: string | null;
}

/** One fact for the cache; see {@link DirectoryFact}'s members. */
export type DirectoryFact =
  /** A rebuild from Temporal began (`loading`), succeeded (`ready`) or failed (`unloaded`): see load-status.ts. */
  | { readonly kind: 'load'; readonly status: DirectoryStatus }
  /** A running thread's state, read when the cache is rebuilt from Temporal: it replaces the thread's entry. */
  | { readonly kind: 'thread-loaded'; readonly state: ThreadState }
  /**
   * A thread's state a query returned (a front's prompt). A thread the cache does not know is added only when it
   * has an orchestrator bound: a query also answers for a finished thread, whose final state never has one.
   */
  | { readonly kind: 'thread-read'; readonly state: ThreadState }
  /** A tool-call update's outcome: the thread exists, its binding, the caller's kind. */
  | { readonly kind: 'tool-call-updated'; readonly frontKey: string; readonly sessionKey: string; readonly outcome: OutcomeFacts }
  /** A read-only decision's answer: the thread's binding (an unknown thread is added only when bound, as above). */
  | { readonly kind: 'tool-call-read'; readonly frontKey: string; readonly orchestratorKey: string | null }
  /**
   * An accepted spawn's child, passed on to the thread: known now, before the thread confirms it, in the role the
   * rules give a spawn of its requester (§1.4 rule 6: a front spawns its orchestrator, others workers).
   */
  | { readonly kind: 'spawn-accepted'; readonly frontKey: string; readonly requesterKey: string; readonly childKey: string }
  /** `subagent_spawned` / `subagent_delivery_target`: a child of a session of the thread, before its spawn's result. */
  | { readonly kind: 'child-seen'; readonly frontKey: string; readonly childKey: string }
  /**
   * `session_end` (`session`) or `subagent_ended` (`subagent`): the thread of an ended front or orchestrator is over
   * (§1.6); a worker's session end removes it, its run's end only changes its status (which the cache does not keep).
   */
  | { readonly kind: 'ended'; readonly sessionKey: string; readonly what: 'session' | 'subagent' }
  /** The thread answered that it is over or does not run: nothing of it is bound any more. */
  | { readonly kind: 'thread-over'; readonly frontKey: string };
