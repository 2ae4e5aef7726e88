/**
 * Usage ledger scenarios for the replay fixtures: batching into the ledger, continue-as-new under steady signals,
 * and duplicates (repeated event ids, a batch the validator refuses, a malformed record). Each opens its own bridge to the recording server and
 * sends through the plugin's `UsageLedgerClient`, as the sender loop does.
 */
import { join } from 'node:path';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { type UsageRecord } from '../../workflows/usage/usage-record.ts';
import { UsageLedgerClient, type UsageLedgerClientOptions } from '../../plugin-bridge/usage-ledger/ledger-client.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { usageLedgerStateQuery, usageLedgerWorkflowId } from '../../workflows/usage/contract.ts';
import type { UsageLedgerState } from '../../workflows/usage/state.ts';
import type { RecordedRun, Scenario, ScenarioContext } from './types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deadline = () => Date.now() + 10_000;

function records(prefix: string, n: number, model = 'claude-opus-4-1'): UsageRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const r = extractUsage({ runId: `${prefix}-${i}`, provider: 'anthropic', model, usage: { input: 100 + i, output: 20, cacheRead: 64 } }, 'llm_output', { now: Date.now() });
    if (r === null) throw new Error('the scenario payload has usage');
    return r;
  });
}

/** Plays `play` with a client of its own; the bridge is closed afterwards. */
async function withClient(ctx: ScenarioContext, options: Omit<UsageLedgerClientOptions, 'taskQueue'>, play: (usage: UsageLedgerClient, dbPath: string) => Promise<RecordedRun>): Promise<RecordedRun> {
  const bridge = new TemporalBridge({ address: ctx.address, namespace: 'default' });
  bridge.start();
  try {
    return await play(new UsageLedgerClient(bridge, { taskQueue: 'openclaw-temporal', ...options }), join(ctx.tmpDir, 'usage-ledger.db'));
  } finally {
    await bridge.stop();
  }
}

async function waitFor(ctx: ScenarioContext, ledgerId: string, done: (s: UsageLedgerState) => boolean): Promise<void> {
  const handle = ctx.client.workflow.getHandle(usageLedgerWorkflowId(ledgerId));
  for (let i = 0; i < 200; i += 1) {
    if (done(await handle.query(usageLedgerStateQuery))) return;
    await sleep(100);
  }
  throw new Error(`scenario condition not reached for ${ledgerId}`);
}

export const usageScenarios: readonly Scenario[] = [
  {
    name: 'usage-batching',
    run: (ctx) =>
      withClient(ctx, {}, async (usage, dbPath) => {
        await usage.send('replay-batching', { dbPath, records: records('batch', 201) }, deadline());
        await usage.send('replay-batching', { dbPath, records: records('batch-late', 9, 'gpt-4o') }, deadline());
        await waitFor(ctx, 'replay-batching', (s) => s.counters.written === 210 && s.pending.length === 0);
        return { workflowId: usageLedgerWorkflowId('replay-batching') };
      }),
  },
  {
    name: 'usage-continue-as-new',
    run: (ctx) =>
      withClient(ctx, { workflowArgs: { maxHistoryEvents: 20 } }, async (usage, dbPath) => {
        for (let i = 0; i < 12; i += 1) {
          // Offered again while the run refuses new batches to continue as new (as the plugin's sender does).
          for (let tries = 0; !(await usage.send('replay-can', { dbPath, records: records(`can${i}`, 10) }, deadline()).then(() => true, () => false)); tries += 1) {
            if (tries > 100) throw new Error('the usage ledger kept refusing a batch');
            await sleep(100);
          }
        }
        await waitFor(ctx, 'replay-can', (s) => s.counters.written === 120 && s.pending.length === 0);
        const runs: { runId: string; status: string; started: number }[] = [];
        for await (const run of ctx.client.workflow.list({ query: `WorkflowId = "${usageLedgerWorkflowId('replay-can')}"` })) {
          runs.push({ runId: run.runId, status: run.status.name, started: run.startTime.getTime() });
        }
        const firstRunId = runs.sort((a, b) => a.started - b.started)[0]?.runId;
        if (runs[0]?.status !== 'CONTINUED_AS_NEW') throw new Error(`the first run did not continue as new (${runs.map((r) => r.status).join(', ')})`);
        return { workflowId: usageLedgerWorkflowId('replay-can'), runId: firstRunId };
      }),
  },
  {
    name: 'usage-duplicates',
    run: (ctx) =>
      withClient(ctx, {}, async (usage, dbPath) => {
        const batch = records('dup', 10);
        await usage.send('replay-duplicates', { dbPath, records: batch }, deadline());
        await usage.send('replay-duplicates', { dbPath, records: [...batch.slice(0, 5), ...records('dup-new', 1)] }, deadline());
        const refused = await usage.send('replay-duplicates', { dbPath: 'relative.db', records: records('dup-bad', 2) }, deadline()).then(() => false, () => true);
        if (!refused) throw new Error('a batch for a relative ledger path must be refused by the validator');
        const withJunk = { dbPath, records: [{ eventId: '' }, ...records('dup-late', 1)] } as unknown as { dbPath: string; records: UsageRecord[] };
        await usage.send('replay-duplicates', withJunk, deadline());
        await waitFor(ctx, 'replay-duplicates', (s) => s.counters.written === 12 && s.counters.duplicates === 5 && s.counters.malformed === 1);
        return { workflowId: usageLedgerWorkflowId('replay-duplicates') };
      }),
  },
];
