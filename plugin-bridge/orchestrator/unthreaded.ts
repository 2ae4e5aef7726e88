/**
 * Worker spawns of sessions that belong to no orchestrator thread (issue 11, item 3): the original retried any
 * non-front session's failed worker. The spec is captured from the local decision in `before_tool_call` (no call);
 * an accepted spawn is one signal-with-start of the requester's record `subagent-requester/<requesterKey>`, which
 * keeps child → task key durably and drives the same task workflows a thread does; its `subagent_ended` is one
 * signal. Sessions that never spawn cost nothing.
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
  async spawned(spawn: UnthreadedSpawn, childKey: string, config: OrchestratorConfig, deadline: number): Promise<void> {
    this.#children.set(childKey, spawn.requester);
    this.#requesters.set(spawn.requester, true);
    const workflowId = subagentRequesterWorkflowId(spawn.requester);
    const event = { eventId: `spawned:${childKey}`, childKey, spec: spawn.spec, config: retryConfigOf(config) };
    await this.#send(workflowId, deadline, 'subagent-requester.spawned', (client) =>
      client.workflow.signalWithStart(SUBAGENT_REQUESTER_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [{ requester: spawn.requester } satisfies SubagentRequesterArgs],
        signal: requesterSpawnedSignal,
        signalArgs: [event],
        staticSummary: `worker spawns · ${spawn.requester}`,
        typedSearchAttributes: [{ key: OPENCLAW_PLUGIN, value: ORCHESTRATOR_PLUGIN_ID }],
      }),
    );
  }

  /**
   * `subagent_ended` of a child no thread knows. A child this process recorded is signalled to its record; an
   * unknown one (recorded before a gateway restart, or never ours) too, when the gateway names its requester —
   * a requester without a record answers "not found": `no-record`.
   */
  async ended(childKey: string, requester: string | undefined, outcome: string | undefined, eventId: string, config: OrchestratorConfig, deadline: number): Promise<EndedRoute> {
    const owner = this.#children.take(childKey) ?? requester;
    if (owner === undefined) return 'not-ours';
    const workflowId = subagentRequesterWorkflowId(owner);
    const event = { eventId, childKey, config: retryConfigOf(config), ...(outcome === undefined ? {} : { outcome }) };
    return this.#send(workflowId, deadline, 'subagent-requester.ended', (client) => client.workflow.getHandle(workflowId).signal(requesterEndedSignal, event));
  }

  /** The requester's session ended: its record (if this process knows of one) ends its tasks. */
  async sessionEnded(sessionKey: string, deadline: number): Promise<EndedRoute> {
    if (this.#requesters.take(sessionKey) === undefined) return 'not-ours';
    const workflowId = subagentRequesterWorkflowId(sessionKey);
    return this.#send(workflowId, deadline, 'subagent-requester.session-ended', (client) => client.workflow.getHandle(workflowId).signal(requesterSessionEndedSignal, { sessionKey }));
  }

  /** One bounded call, in order with the record's other calls; a record that does not run is `no-record`. */
  #send(workflowId: string, deadline: number, operation: string, fn: (client: Client) => Promise<unknown>): Promise<EndedRoute> {
    return this.chain.runBy(workflowId, deadline, () => {
      this.calls += 1;
      return this.bridge.call(operation, deadline, async (client): Promise<EndedRoute> => {
        try {
          await fn(client);
          return 'signalled';
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return 'no-record';
          throw err;
        }
      });
    });
  }
}
