/**
 * The orchestrator's Temporal calls to its threads: the tool-call update (with start for a front's spawn), the
 * read-only decision and state queries, the fact signals, and the listing of running threads. Their order per thread
 * and their deadlines: thread-order.ts. A thread that no longer runs is an answer (`gone`, `ended`), not an error:
 * the bridge then treats the session as unbound.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type SignalDefinition } from '@temporalio/common';
import {
  ORCHESTRATOR_PLUGIN_ID,
  ORCHESTRATOR_WORKFLOW_TYPE,
  THREAD_ENDED_FAILURE,
  frontKeyOfWorkflowId,
  orchestratorDecideQuery,
  orchestratorThreadQuery,
  orchestratorThreadWorkflowId,
  orchestratorToolCallUpdate,
  type ToolCallOutcome,
  type ToolCallRequest,
} from '../../workflows/orchestrator/contract.ts';
import type { ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import type { orchestratorThreadWorkflow } from '../../workflows/orchestrator/workflow.ts';
import { OPENCLAW_FRONT_SESSION, OPENCLAW_PLUGIN } from '../../workflows/shared/search-attributes.ts';
import type { KeyedChain } from '../shared/keyed-chain.ts';
import type { TemporalBridge } from '../shared/temporal-bridge.ts';
import type { SendTurn } from './send-turn.ts';
import { ThreadCallOrder } from './thread-order.ts';
import { hookSpanAttributes, type SpanAttributes } from '../shared/span-attributes.ts';

/** A thread's answer: a value, `gone` (no such running thread), or `ended` (it is finishing; start a new one). */
export type Answer<T> = { readonly kind: 'ok'; readonly value: T } | { readonly kind: 'gone' } | { readonly kind: 'ended' };
/** A query's answer; `stale` when a signal or update to the thread started while it was being answered. */
export type ReadAnswer<T> = Answer<T> & { readonly stale: boolean };

/** The visibility query that finds every running thread (also the one to type into `temporal workflow list`). */
export const OPEN_THREADS_QUERY = `OpenClawPlugin = "${ORCHESTRATOR_PLUGIN_ID}" AND ExecutionStatus = "Running"`;

/** Updates and signals to a missing or completed thread fail with WorkflowNotFoundError (queries still answer). */
function goneKind(err: unknown): 'gone' | 'ended' | undefined {
  if (err instanceof WorkflowNotFoundError) return 'gone';
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === THREAD_ENDED_FAILURE) return 'ended';
  return undefined;
}

/** The span attributes of every call to a thread: the plugin and the front-controller's session key. */
function frontAttributes(frontKey: string): SpanAttributes {
  return { 'openclaw.plugin': ORCHESTRATOR_PLUGIN_ID, 'openclaw.front_session_key': frontKey };
}

/** The thread calls of one plugin instance, over its TemporalBridge and its per-thread chain. */
export class ThreadClient {
  readonly #order: ThreadCallOrder;

  constructor(
    private readonly bridge: TemporalBridge,
    chain: KeyedChain,
    private readonly taskQueue: string,
  ) {
    this.#order = new ThreadCallOrder(chain);
  }

  /**
   * Asks the thread to decide a tool call (an update: it may record state). `start` creates the thread when
   * it does not run: a front-controller's `sessions_spawn` is how a thread begins.
   */
  toolCall(frontKey: string, request: ToolCallRequest, updateId: string, deadline: number, start: boolean, turn?: SendTurn): Promise<Answer<ToolCallOutcome>> {
    const attributes = { ...hookSpanAttributes(ORCHESTRATOR_PLUGIN_ID, 'before_tool_call', request.call), ...frontAttributes(frontKey) };
    return this.#run(frontKey, 'orchestrator.tool-call', deadline, attributes, (client, workflowId) => {
      if (!start) return client.workflow.getHandle(workflowId).executeUpdate(orchestratorToolCallUpdate, { args: [request], updateId });
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof orchestratorThreadWorkflow>(ORCHESTRATOR_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [{ frontKey, config: request.config }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        staticSummary: `orchestrator · ${frontKey}`,
        staticDetails: `Orchestrator thread of the front-controller session ${frontKey}: its hidden orchestrator, workers, blocked attempts and delegated task. Update: orchestrator.tool-call; signals: orchestrator.spawn-result, orchestrator.subagent-activity, orchestrator.subagent-ended, orchestrator.session-end; query: orchestrator.thread.`,
        typedSearchAttributes: [
          { key: OPENCLAW_PLUGIN, value: ORCHESTRATOR_PLUGIN_ID },
          { key: OPENCLAW_FRONT_SESSION, value: frontKey },
        ],
      });
      return client.workflow.executeUpdateWithStart(orchestratorToolCallUpdate, { args: [request], updateId, startWorkflowOperation });
    }, turn);
  }

  /**
   * The thread's decision on a tool call that only reads it (a query running the update's rule; the thread is
   * left unchanged). Ordered like {@link thread}.
   */
  decide(frontKey: string, request: ToolCallRequest, deadline: number): Promise<ReadAnswer<ToolCallOutcome>> {
    const attributes = { ...hookSpanAttributes(ORCHESTRATOR_PLUGIN_ID, 'before_tool_call', request.call), ...frontAttributes(frontKey) };
    return this.#read(frontKey, 'orchestrator.decide-tool-call', deadline, attributes, (handle) => handle.query(orchestratorDecideQuery, request));
  }

  /** The thread's state (a query: reads only), for a prompt snapshot and the cache rebuild. */
  thread(frontKey: string, deadline: number): Promise<ReadAnswer<ThreadState>> {
    return this.#read(frontKey, 'orchestrator.thread', deadline, frontAttributes(frontKey), (handle) => handle.query(orchestratorThreadQuery));
  }

  /** A query in the thread's order (thread-order.ts: it holds up nothing; `stale` when a write started meanwhile). */
  async #read<T>(frontKey: string, operation: string, deadline: number, attributes: SpanAttributes, fn: (handle: WorkflowHandle) => Promise<T>): Promise<ReadAnswer<T>> {
    const workflowId = orchestratorThreadWorkflowId(frontKey);
    const { value, stale } = await this.#order.read(workflowId, operation, deadline, () => this.#call(operation, workflowId, deadline, attributes, (client) => fn(client.workflow.getHandle(workflowId))));
    return { ...value, stale };
  }

  /** Signals a gateway fact to the thread; a thread that no longer runs answers `gone`. `turn`: see {@link SendTurn}. */
  signal<A>(frontKey: string, signal: SignalDefinition<[A]>, payload: A, deadline: number, turn?: SendTurn): Promise<Answer<void>> {
    return this.#run(frontKey, signal.name, deadline, frontAttributes(frontKey), (client, workflowId) => client.workflow.getHandle(workflowId).signal(signal, payload), turn);
  }

  /** The front keys of every running thread, from the visibility store (used to rebuild the cache). */
  listOpenThreads(deadline: number): Promise<string[]> {
    return this.bridge.call('orchestrator.list', deadline, async (client) => {
      const fronts: string[] = [];
      for await (const execution of client.workflow.list({ query: OPEN_THREADS_QUERY })) {
        const front = frontKeyOfWorkflowId(execution.workflowId);
        if (front !== undefined) fronts.push(front);
      }
      return fronts;
    });
  }

  /** A signal or update in the thread's order (thread-order.ts). `turn`: see {@link SendTurn}. */
  #run<T>(frontKey: string, operation: string, deadline: number, attributes: SpanAttributes, fn: (client: Client, workflowId: string) => Promise<T>, turn?: SendTurn): Promise<Answer<T>> {
    const workflowId = orchestratorThreadWorkflowId(frontKey);
    return this.#order.write(workflowId, operation, deadline, turn, () => this.#call(operation, workflowId, deadline, attributes, (client) => fn(client, workflowId)));
  }

  /** One bounded call; a thread that no longer runs is an answer, not an error. */
  #call<T>(operation: string, workflowId: string, deadline: number, attributes: SpanAttributes, fn: (client: Client) => Promise<T>): Promise<Answer<T>> {
    return this.bridge.call(operation, deadline, async (client): Promise<Answer<T>> => {
      try {
        return { kind: 'ok', value: await fn(client) };
      } catch (err) {
        const kind = goneKind(err);
        if (kind === undefined) throw err;
        return { kind };
      }
    }, attributes);
  }
}
