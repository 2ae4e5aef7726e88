/**
 * The usage ledger's one Temporal call: Update-With-Start of `usage-ledger/<agent>` with a batch of records,
 * bounded by a deadline. Once the update is accepted the records are in the workflow's history, durable; a batch
 * whose answer was lost may be sent again, and its repeats are dropped by event id. A batch refused because the
 * workflow's backlog is full (or never answered) stays with the sender, which tries again later.
 */
import { WithStartWorkflowOperation } from '@temporalio/client';
import {
  USAGE_LEDGER_PLUGIN_ID,
  USAGE_LEDGER_WORKFLOW_TYPE,
  usageLedgerWorkflowId,
  usageRecordsUpdate,
  type UsageLedgerWorkflowArgs,
  type UsageRecordsEvent,
  type UsageRecordsResult,
} from '../../workflows/usage/contract.ts';
import type { usageLedgerWorkflow } from '../../workflows/usage/workflow.ts';
import { OPENCLAW_PLUGIN } from '../../workflows/shared/search-attributes.ts';
import type { SpanAttributes } from '../shared/span-attributes.ts';
import type { TemporalBridge } from '../shared/temporal-bridge.ts';

export interface UsageLedgerClientOptions {
  readonly taskQueue: string;
  /** Start arguments besides the ledger id (tests lower the continue-as-new bounds); ignored by a running workflow. */
  readonly workflowArgs?: Omit<UsageLedgerWorkflowArgs, 'ledgerId' | 'state'>;
}

export class UsageLedgerClient {
  constructor(
    private readonly bridge: TemporalBridge,
    private readonly options: UsageLedgerClientOptions,
  ) {}

  /** Delivers `event` to the agent's ledger workflow, starting it when it does not run; resolves once it was accepted. */
  send(ledgerId: string, event: UsageRecordsEvent, deadline: number): Promise<UsageRecordsResult> {
    const workflowId = usageLedgerWorkflowId(ledgerId);
    const args: UsageLedgerWorkflowArgs = { ...this.options.workflowArgs, ledgerId };
    return this.bridge.call('usage-ledger.records', deadline, (client) =>
      client.workflow.executeUpdateWithStart(usageRecordsUpdate, {
        args: [event],
        startWorkflowOperation: new WithStartWorkflowOperation<typeof usageLedgerWorkflow>(USAGE_LEDGER_WORKFLOW_TYPE, {
          workflowId,
          taskQueue: this.options.taskQueue,
          args: [args],
          workflowIdConflictPolicy: 'USE_EXISTING',
          staticSummary: `usage-ledger · ${ledgerId}`,
          staticDetails: `Usage ledger of agent \`${ledgerId}\`: batches the token usage the gateway observes (\`llm_output\`, with latency and outcome from \`model_call_ended\`) into the SQLite table \`llm_usage_events\`, each record once (unique event id). Update: usage-ledger.records (refused while the backlog is full); query: usage-ledger.state.`,
          typedSearchAttributes: [{ key: OPENCLAW_PLUGIN, value: USAGE_LEDGER_PLUGIN_ID }],
        }),
      }),
      deliveryAttributes(ledgerId, event),
    );
  }
}

/** The span attributes of a delivery: the agent, and the distinct run ids and session keys of its records. */
export function deliveryAttributes(ledgerId: string, event: UsageRecordsEvent): SpanAttributes {
  const distinct = (values: readonly (string | null | undefined)[]) => [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))].join(',');
  const attributes: Record<string, string> = { 'openclaw.plugin': USAGE_LEDGER_PLUGIN_ID, 'openclaw.hook': 'llm_output', 'openclaw.agent_id': ledgerId };
  const runIds = distinct(event.records.map((r) => r.runId));
  const sessionKeys = distinct(event.records.map((r) => r.sessionKey));
  if (runIds !== '') attributes['openclaw.run_id'] = runIds;
  if (sessionKeys !== '') attributes['openclaw.session_key'] = sessionKeys;
  return attributes;
}
