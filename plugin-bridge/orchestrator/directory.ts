/**
 * The bridge's cache of orchestrator threads: which sessions are fronts, orchestrators or workers of which
 * thread. It exists so that the common case — a session no thread knows — is decided locally with zero round
 * trips (DESIGN §3). It is only a cache: a bound session is always decided by its thread workflow, and after a
 * gateway restart the cache is rebuilt from Temporal (directory-loader.ts). It is fed through one entry point,
 * {@link ThreadDirectory.observe}, with the facts of directory-facts.ts; everything else reads.
 */
import { hasFrontControllerShape, type SessionKind } from '../../workflows/orchestrator/session.ts';
import type { ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import type { DirectoryFact, OutcomeFacts } from './directory-facts.ts';
import { LoadStatus } from './load-status.ts';

export type { DirectoryStatus } from './load-status.ts';
export type { DirectoryFact } from './directory-facts.ts';

/** A child session's role in its thread; `child` until the thread has confirmed orchestrator or worker. */
export type MemberRole = 'orchestrator' | 'worker' | 'child';

/** Where a session belongs: the thread (by its front key) and the session's role there. */
export interface Membership {
  readonly frontKey: string;
  readonly role: 'front' | MemberRole;
}

/** The cache itself: one per plugin instance, never module-level. */
export class ThreadDirectory extends LoadStatus {
  /** Each thread the cache knows, by front key, with its bound orchestrator. */
  readonly #threads = new Map<string, { orchestratorKey: string | undefined }>();
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

  /** The thread's bound orchestrator as far as the cache knows: what the outage rules and a prompt can still say. */
  orchestratorOf(frontKey: string): string | undefined {
    return this.#threads.get(frontKey)?.orchestratorKey;
  }

  /** The one way into the cache: takes in one fact (see {@link DirectoryFact}). */
  observe(fact: DirectoryFact): void {
    switch (fact.kind) {
      case 'load':
        return this.setStatus(fact.status);
      case 'thread-loaded':
        return this.#replace(fact.state);
      case 'thread-read':
        if (this.#threads.has(fact.state.frontKey) || fact.state.orchestratorKey !== undefined) this.#replace(fact.state);
        return;
      case 'tool-call-updated':
        return this.#updated(fact.frontKey, fact.sessionKey, fact.outcome);
      case 'tool-call-read':
        return this.#binding(fact.frontKey, fact.orchestratorKey);
      case 'spawn-accepted':
        if (!this.#threads.has(fact.frontKey)) return;
        if (this.kindOf(fact.requesterKey) === 'front') this.#bind(fact.frontKey, fact.childKey);
        else this.#members.set(fact.childKey, { frontKey: fact.frontKey, role: 'worker' });
        return;
      case 'child-seen':
        if (this.#threads.has(fact.frontKey) && !this.#members.has(fact.childKey)) this.#members.set(fact.childKey, { frontKey: fact.frontKey, role: 'child' });
        return;
      case 'ended':
        return this.#ended(fact.sessionKey, fact.what);
      case 'thread-over':
        return this.#drop(fact.frontKey);
    }
  }

  #replace(state: ThreadState): void {
    this.#drop(state.frontKey);
    this.#threads.set(state.frontKey, { orchestratorKey: undefined });
    for (const worker of Object.values(state.workers)) this.#members.set(worker.childKey, { frontKey: state.frontKey, role: 'worker' });
    if (state.orchestratorKey !== undefined) this.#bind(state.frontKey, state.orchestratorKey);
  }

  #drop(frontKey: string): void {
    this.#threads.delete(frontKey);
    for (const [key, member] of this.#members) if (member.frontKey === frontKey) this.#members.delete(key);
  }

  #updated(frontKey: string, sessionKey: string, outcome: OutcomeFacts): void {
    if (!this.#threads.has(frontKey)) this.#threads.set(frontKey, { orchestratorKey: undefined });
    this.#binding(frontKey, outcome.orchestratorKey);
    const member = this.#members.get(sessionKey);
    if (sessionKey !== frontKey && outcome.kind === 'worker') this.#members.set(sessionKey, { frontKey, role: 'worker' });
    if (outcome.kind === 'none' && member?.frontKey === frontKey) this.#members.delete(sessionKey);
  }

  #binding(frontKey: string, orchestratorKey: string | null): void {
    if (orchestratorKey === null) this.#unbind(frontKey);
    else if (orchestratorKey !== this.orchestratorOf(frontKey)) this.#bind(frontKey, orchestratorKey);
  }

  #ended(sessionKey: string, what: 'session' | 'subagent'): void {
    const where = this.lookup(sessionKey);
    if (where === undefined) return;
    if (where.role === 'orchestrator' || (where.role === 'front' && what === 'session')) this.#drop(where.frontKey);
    else if (where.role !== 'front' && what === 'session') this.#members.delete(sessionKey);
  }

  #bind(frontKey: string, orchestratorKey: string): void {
    this.#unbind(frontKey);
    this.#threads.set(frontKey, { orchestratorKey });
    this.#members.set(orchestratorKey, { frontKey, role: 'orchestrator' });
  }

  #unbind(frontKey: string): void {
    const previous = this.orchestratorOf(frontKey);
    if (previous === undefined) return;
    this.#threads.set(frontKey, { orchestratorKey: undefined });
    if (this.#members.get(previous)?.frontKey === frontKey) this.#members.delete(previous);
  }
}
