/**
 * Worker spawns of sessions that belong to no orchestrator thread (issue 11, item 3): the original retried any
 * non-front session's failed worker. The spec is captured from the local decision in `before_tool_call` (no call);
 * an accepted spawn is one signal-with-start of the requester's record `subagent-requester/<requesterKey>`, which
 * keeps child → task key durably and drives the same task workflows a thread does; its `subagent_ended` is one
 * signal. Sessions that never spawn cost nothing. Each of these is an observer fact (observer-fact.ts): built here
 * with the in-process bookkeeping, sent by {@link UnthreadedSpawns.send} — at once, or later from the outbox.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { OrchestratorConfig } from '../../workflows/orchestrator/config.ts';
import { ORCHESTRATOR_PLUGIN_ID } from '../../workflows/orchestrator/contract.ts';
import { retryConfigOf } from '../../workflows/orchestrator/task-routing.ts';
import type { SpawnSpec, ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import {
  SUBAGENT_REQUESTER_WORKFLOW_TYPE,
  requesterEndedSignal,
  requesterSessionEndedSignal,
  requesterSpawnedSignal,
  subagentRequesterWorkflowId,
  type SubagentRequesterArgs,
} from '../../workflows/subagent/requester-contract.ts';
import { OPENCLAW_PLUGIN } from '../../workflows/shared/search-attributes.ts';
import type { KeyedChain } from '../shared/keyed-chain.ts';
import type { TemporalBridge } from '../shared/temporal-bridge.ts';
import { BoundedMap } from './bounded-map.ts';
import type { RequesterFact } from './observer-fact.ts';
import { FactDivertedError, type SendTurn } from './send-turn.ts';

/** Spawns waiting for their result, children and requesters remembered in process; the oldest go first. */
export const MAX_REMEMBERED = 2000;

/** A worker spawn decided locally, until its `after_tool_call`. */
export interface UnthreadedSpawn {
  readonly requester: string;
  readonly spec: SpawnSpec;
}

/** What happened to an ended child: signalled to its requester's record, or not one of ours. */
export type EndedRoute = 'signalled' | 'no-record' | 'not-ours';

/** The in-process side and the Temporal calls of unthreaded worker spawns. One per plugin instance. */
export class UnthreadedSpawns {
  readonly #pending = new BoundedMap<string, UnthreadedSpawn>(MAX_REMEMBERED);
  /** Child → requester of the spawns this process recorded. */
  readonly #children = new BoundedMap<string, string>(MAX_REMEMBERED);
  /** Requesters this process recorded spawns of. */
  readonly #requesters = new BoundedMap<string, true>(MAX_REMEMBERED);
  /** Temporal calls made (for measurements). */
  calls = 0;

  constructor(
    private readonly bridge: TemporalBridge,
    private readonly chain: KeyedChain,
    private readonly taskQueue: string,
  ) {}

  /** Remembers the worker spawn a local decision recorded under `spawnKey` (orchestrator spawns are not ours). */
  capture(decided: ThreadState, spawnKey: string): void {
    const pending = decided.pendingSpawns[spawnKey];
    if (pending?.kind === 'worker') this.#pending.set(spawnKey, { requester: pending.requester, spec: pending.spec });
  }

  take(spawnKey: string): UnthreadedSpawn | undefined {
    return this.#pending.take(spawnKey);
  }

  /** An accepted worker spawn: one signal-with-start of the requester's record. */
  spawnedFact(spawn: UnthreadedSpawn, childKey: string, config: OrchestratorConfig): RequesterFact {
    this.#children.set(childKey, spawn.requester);
    this.#requesters.set(spawn.requester, true);
    return { kind: 'requester-spawned', requester: spawn.requester, event: { eventId: `spawned:${childKey}`, childKey, spec: spawn.spec, config: retryConfigOf(config) } };
  }

  /**
   * `subagent_ended` of a child no thread knows. A child this process recorded is signalled to its record; an
   * unknown one (recorded before a gateway restart, or never ours) too, when the gateway names its requester —
   * a requester without a record answers "not found": `no-record`. Undefined: `not-ours`, nothing to send.
   */
  endedFact(childKey: string, requester: string | undefined, outcome: string | undefined, eventId: string, config: OrchestratorConfig): RequesterFact | undefined {
    const owner = this.#children.take(childKey) ?? requester;
    if (owner === undefined) return undefined;
    return { kind: 'requester-ended', requester: owner, event: { eventId, childKey, config: retryConfigOf(config), ...(outcome === undefined ? {} : { outcome }) } };
  }

  /** The requester's session ended: its record (if this process knows of one) ends its tasks. */
  sessionEndedFact(sessionKey: string): RequesterFact | undefined {
    return this.#requesters.take(sessionKey) === undefined ? undefined : { kind: 'requester-session-ended', requester: sessionKey };
  }

  /** {@link sessionEndedFact}, sent at once. */
  async sessionEnded(sessionKey: string, deadline: number): Promise<EndedRoute> {
    const fact = this.sessionEndedFact(sessionKey);
    return fact === undefined ? 'not-ours' : this.send(fact, deadline);
  }

  /**
   * One bounded call, in order with the record's other calls; a record that does not run is `no-record`. `turn`:
   * see {@link SendTurn} (a call still queued at its deadline is given up without it: its caller keeps the fact).
   */
  send(fact: RequesterFact, deadline: number, turn?: SendTurn): Promise<EndedRoute> {
    const workflowId = subagentRequesterWorkflowId(fact.requester);
    const operation = `subagent-${fact.kind.replace('requester-', 'requester.')}`;
    return this.chain.runBy(workflowId, deadline, async () => {
      if (turn?.go() === false) throw new FactDivertedError(`${operation}: a fact observed before it waits in the outbox`);
      this.calls += 1;
      try {
        return await this.bridge.call(operation, deadline, async (client): Promise<EndedRoute> => {
          try {
            await this.#signal(client, workflowId, fact);
            return 'signalled';
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) return 'no-record';
            throw err;
          }
        });
      } catch (err) {
        turn?.failed();
        throw err;
      }
    });
  }

  async #signal(client: Client, workflowId: string, fact: RequesterFact): Promise<void> {
    if (fact.kind === 'requester-ended') return client.workflow.getHandle(workflowId).signal(requesterEndedSignal, fact.event);
    if (fact.kind === 'requester-session-ended') return client.workflow.getHandle(workflowId).signal(requesterSessionEndedSignal, { sessionKey: fact.requester });
    await client.workflow.signalWithStart(SUBAGENT_REQUESTER_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: this.taskQueue,
      args: [{ requester: fact.requester } satisfies SubagentRequesterArgs],
      signal: requesterSpawnedSignal,
      signalArgs: [fact.event],
      staticSummary: `worker spawns · ${fact.requester}`,
      typedSearchAttributes: [{ key: OPENCLAW_PLUGIN, value: ORCHESTRATOR_PLUGIN_ID }],
    });
  }
}
