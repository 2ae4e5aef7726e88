/**
 * The gate's Temporal calls. Every call for one peer goes through the same {@link KeyedChain} entry, so an
 * outbound decision waits for the trigger signal queued before it; every call is bounded by a deadline, and an
 * outbound decision's deadline includes the time it waits in the chain.
 */
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import {
  gateAbandonSignal,
  gateOutboundUpdate,
  gateTriggerSignal,
  gateWorkflowId,
  seenLedgerWorkflowId,
  seenMessagesSignal,
  type GateAbandonEvent,
  type GateOutboundDecision,
  type GateOutboundRequest,
  type GateTriggerEvent,
  type SeenMessagesEvent,
} from '../../workflows/gate/contract.ts';
import type { SeenOp } from '../../workflows/gate/ledger-ops.ts';
import type { gateSeenLedgerWorkflow } from '../../workflows/gate/seen-ledger.ts';
import type { gateWorkflow } from '../../workflows/gate/workflow.ts';
import { OPENCLAW_CHANNEL, OPENCLAW_PLUGIN } from '../../workflows/shared/search-attributes.ts';
import type { KeyedChain } from '../shared/keyed-chain.ts';
import { KnownRunning } from '../shared/known-running.ts';
import type { TemporalBridge } from '../shared/temporal-bridge.ts';
import type { SpanAttributes } from '../shared/span-attributes.ts';
import { gateStartOptions, type GateClientOptions } from './gate-start.ts';

export type { GateClientOptions } from './gate-start.ts';

export class GateClient {
  /** Gates known to run: their calls go without start options (see known-running.ts). */
  readonly #running = new KnownRunning();

  constructor(
    private readonly bridge: TemporalBridge,
    private readonly chain: KeyedChain,
    private readonly options: GateClientOptions,
  ) {}

  /** Signals a trigger to the peer's gate, starting the gate when it does not run yet. */
  trigger(peer: string, trigger: GateTriggerEvent, deadline: number, attributes?: SpanAttributes): Promise<void> {
    const workflowId = gateWorkflowId(this.options.channel, peer);
    return this.#signal('lorene-gate.trigger', workflowId, deadline, gateTriggerSignal, trigger, attributes, (client) =>
      client.workflow.signalWithStart<typeof gateWorkflow, [GateTriggerEvent]>('gateWorkflow', { ...gateStartOptions(this.options, peer), signal: gateTriggerSignal, signalArgs: [trigger] }),
    );
  }

  /** Tells the peer's gate that the bridge gave up on a decision and cancelled its message. */
  abandon(peer: string, event: GateAbandonEvent, deadline: number): Promise<void> {
    const options = gateStartOptions(this.options, peer);
    return this.chain.run(options.workflowId, () =>
      this.bridge.call('lorene-gate.abandon', deadline, async (client) => {
        await client.workflow.signalWithStart<typeof gateWorkflow, [GateAbandonEvent]>('gateWorkflow', {
          ...options,
          signal: gateAbandonSignal,
          signalArgs: [event],
        });
      }),
    );
  }

  /**
   * Asks the peer's gate whether `request` may be delivered (an update: it consumes a use). Answers by
   * `deadline` even when earlier calls for the peer hang: a call still queued then is never sent
   * (a `ChainDeadlineError`). `attributes`: the hook's ids for the trace (span-attributes.ts).
   */
  decide(peer: string, request: GateOutboundRequest, deadline: number, attributes?: SpanAttributes): Promise<GateOutboundDecision> {
    const workflowId = gateWorkflowId(this.options.channel, peer);
    return this.chain.runBy(workflowId, deadline, () =>
      this.bridge.call('lorene-gate.outbound', deadline, (client) =>
        this.#running.call(
          workflowId,
          () => client.workflow.getHandle(workflowId).executeUpdate(gateOutboundUpdate, { args: [request], updateId: request.decisionId }),
          () =>
            client.workflow.executeUpdateWithStart(gateOutboundUpdate, {
              args: [request],
              updateId: request.decisionId,
              startWorkflowOperation: new WithStartWorkflowOperation<typeof gateWorkflow>('gateWorkflow', { ...gateStartOptions(this.options, peer), workflowIdConflictPolicy: 'USE_EXISTING' }),
            }),
        ),
        attributes,
      ),
    );
  }

  /**
   * Queues `seen_messages` rows (a batch from the fact outbox) on the channel's seen-ledger workflow: one signal;
   * `gatewayId` names the ledger's host.
   */
  seen(rows: readonly SeenOp[], dbPath: string, deadline: number, gatewayId?: string): Promise<void> {
    const { channel, taskQueue } = this.options;
    const event: SeenMessagesEvent = { dbPath, ...(gatewayId !== undefined && { gatewayId }), rows: [...rows] };
    const workflowId = seenLedgerWorkflowId(channel, gatewayId);
    return this.#signal('lorene-gate.seen', workflowId, deadline, seenMessagesSignal, event, undefined, (client) =>
      client.workflow.signalWithStart<typeof gateSeenLedgerWorkflow, [SeenMessagesEvent]>('gateSeenLedgerWorkflow', {
        workflowId,
        taskQueue,
        args: [{ channel }],
        signal: seenMessagesSignal,
        signalArgs: [event],
        staticSummary: `lorene-gate · ${channel} · seen-messages ledger${gatewayId === undefined ? '' : ` · ${gatewayId}`}`,
        typedSearchAttributes: [
          { key: OPENCLAW_PLUGIN, value: 'lorene-gate' },
          { key: OPENCLAW_CHANNEL, value: channel },
        ],
      }),
    );
  }

  /**
   * Sends `signal(arg)` in `workflowId`'s chain entry: a plain signal when the workflow is known to run, else
   * `start` (its signal-with-start).
   */
  #signal<A>(operation: string, workflowId: string, deadline: number, signal: SignalDefinition<[A]>, arg: A, attributes: SpanAttributes | undefined, start: (client: Client) => Promise<unknown>): Promise<void> {
    return this.chain.run(workflowId, () =>
      this.bridge.call(
        operation,
        deadline,
        (client) =>
          this.#running.call(
            workflowId,
            () => client.workflow.getHandle(workflowId).signal(signal, arg),
            async () => {
              await start(client);
            },
          ),
        attributes,
      ),
    );
  }
}
