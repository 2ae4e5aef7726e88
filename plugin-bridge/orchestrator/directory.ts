/**
 * The bridge's cache of orchestrator threads: which sessions are fronts, orchestrators or workers of which
 * thread. It exists so that the common case — a session no thread knows — is decided locally with zero round
 * trips (DESIGN §3). It is only a cache: a bound session is always decided by its thread workflow, what a
 * thread answers corrects the cache, and after a gateway restart the cache is rebuilt from Temporal.
 */
import { hasFrontControllerShape, type SessionKind } from '../../workflows/orchestrator/session.ts';
import { emptyThreadState, type ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import { LoadStatus } from './load-status.ts';

export type { DirectoryStatus } from './load-status.ts';

/** A child session's role in its thread; `child` until the thread has confirmed orchestrator or worker. */
export type MemberRole = 'orchestrator' | 'worker' | 'child';

/** Where a session belongs: the thread (by its front key) and the session's role there. */
export interface Membership {
  readonly frontKey: string;
  readonly role: 'front' | MemberRole;
}

/** What a thread answered about a tool call (the fields of `ToolCallOutcome` the cache reads). */
export interface OutcomeFacts {
  readonly kind: SessionKind;
  readonly orchestratorKey: string | null;
}

interface ThreadEntry {
  orchestratorKey: string | undefined;
}

/** The cache itself: one per plugin instance, never module-level. */
export class ThreadDirectory extends LoadStatus {
  readonly #threads = new Map<string, ThreadEntry>();
  readonly #members = new Map<string, { frontKey: string; role: MemberRole }>();

  /** The session's thread and role; a known orchestrator wins over the front of a thread of its own (§1.2). */
  lookup(sessionKey: string): Membership | undefined {
    const member = this.#members.get(sessionKey);
    if (member?.role === 'orchestrator' || !this.#threads.has(sessionKey)) return member && { ...member };
    return { frontKey: sessionKey, role: 'front' };
  }

  /**
   * The session's kind as far as the cache knows (§1.2). An unconfirmed child counts as an orchestrator:
   * that kind needs the thread for the most tools, so the thread gets to decide and confirm.
   */
  kindOf(sessionKey: string): SessionKind {
    const role = this.#members.get(sessionKey)?.role;
    if (role === 'orchestrator' || role === 'child') return 'orchestrator';
    if (hasFrontControllerShape(sessionKey)) return 'front';
    return role === 'worker' ? 'worker' : 'none';
  }

  /** Whether the front session has a running thread (as far as the cache knows). */
  hasThread(frontKey: string): boolean {
    return this.#threads.has(frontKey);
  }

  /** The cached binding as a thread without workers: what a prompt can still say when Temporal cannot answer. */
  sketch(frontKey: string): ThreadState {
    const orchestratorKey = this.#threads.get(frontKey)?.orchestratorKey;
    const empty = emptyThreadState(frontKey);
    return orchestratorKey === undefined ? empty : { ...empty, orchestratorKey };
  }

  /**
   * Takes in a queried thread state. A thread the cache does not know is added only when it has an
   * orchestrator bound: a query also answers for a thread that has already finished, and a finished thread's
   * final state never has one.
   */
  absorb(state: ThreadState): void {
    if (this.#threads.has(state.frontKey) || state.orchestratorKey !== undefined) this.replaceThread(state);
  }

  /** Replaces a thread's entry with the thread's own state (a running thread's query answer). */
  replaceThread(state: ThreadState): void {
    this.dropThread(state.frontKey);
    this.#threads.set(state.frontKey, { orchestratorKey: undefined });
    for (const worker of Object.values(state.workers)) this.#members.set(worker.childKey, { frontKey: state.frontKey, role: 'worker' });
    if (state.orchestratorKey !== undefined) this.#bind(state.frontKey, state.orchestratorKey);
  }

  /** Forgets a thread and every session of it. */
  dropThread(frontKey: string): void {
    this.#threads.delete(frontKey);
    for (const [key, member] of this.#members) if (member.frontKey === frontKey) this.#members.delete(key);
  }

  /** What a tool-call update taught: the thread exists, its binding, the caller's kind. */
  learnOutcome(frontKey: string, sessionKey: string, facts: OutcomeFacts): void {
    this.#entry(frontKey);
    this.learnBinding(frontKey, facts.orchestratorKey);
    const member = this.#members.get(sessionKey);
    if (sessionKey !== frontKey && facts.kind === 'worker') this.#members.set(sessionKey, { frontKey, role: 'worker' });
    if (facts.kind === 'none' && member?.frontKey === frontKey) this.#members.delete(sessionKey);
  }

  /**
   * What a read-only decision taught: the thread's binding. A thread the cache does not know is added only when it
   * has an orchestrator bound (as in {@link absorb}: a query answers for a finished thread too).
   */
  learnBinding(frontKey: string, orchestratorKey: string | null): void {
    if (orchestratorKey === null) this.#unbind(frontKey);
    else if (orchestratorKey !== this.#threads.get(frontKey)?.orchestratorKey) this.#bind(frontKey, orchestratorKey);
  }

  /**
   * An accepted spawn's result passed on to the thread: registers the child now, before the thread confirms it, in
   * the role the rules give a spawn of its requester (§1.4 rule 6: a front spawns its orchestrator, others workers).
   */
  learnSpawnResult(frontKey: string, requesterKey: string, childKey: string | undefined): void {
    if (childKey === undefined || !this.#threads.has(frontKey)) return;
    if (this.kindOf(requesterKey) === 'front') this.#bind(frontKey, childKey);
    else this.#members.set(childKey, { frontKey, role: 'worker' });
  }

  /** `subagent_spawned`: a child of a session of the thread, known before the spawn's result arrives. */
  learnChild(frontKey: string, childKey: string): void {
    if (this.#threads.has(frontKey) && !this.#members.has(childKey)) this.#members.set(childKey, { frontKey, role: 'child' });
  }

  /**
   * A session ended (`session`) or a subagent run ended (`subagent`): the thread of an ended front or
   * orchestrator is over (§1.6). A worker's session end removes it; its run's end only changes its status.
   */
  learnEnded(sessionKey: string, what: 'session' | 'subagent'): void {
    const where = this.lookup(sessionKey);
    if (where === undefined) return;
    if (where.role === 'orchestrator' || (where.role === 'front' && what === 'session')) this.dropThread(where.frontKey);
    else if (where.role !== 'front' && what === 'session') this.#members.delete(sessionKey);
  }

  #entry(frontKey: string): ThreadEntry {
    const entry = this.#threads.get(frontKey) ?? { orchestratorKey: undefined };
    this.#threads.set(frontKey, entry);
    return entry;
  }

  #bind(frontKey: string, orchestratorKey: string): void {
    this.#unbind(frontKey);
    this.#entry(frontKey).orchestratorKey = orchestratorKey;
    this.#members.set(orchestratorKey, { frontKey, role: 'orchestrator' });
  }

  #unbind(frontKey: string): void {
    const entry = this.#threads.get(frontKey);
    const previous = entry?.orchestratorKey;
    if (entry === undefined || previous === undefined) return;
    entry.orchestratorKey = undefined;
    if (this.#members.get(previous)?.frontKey === frontKey) this.#members.delete(previous);
  }
}
