/**
 * Ledgers with more than one gateway host (issue 15): events that name the plugin's `gatewayId` put the gate's
 * and the usage ledger's batches on `openclaw-temporal-ledger/<gatewayId>` (the `ledger-per-gateway` patch).
 * The host's ledger worker runs beside the recording worker for the length of each scenario.
 */
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { UsageLedgerClient } from '../../plugin-bridge/usage-ledger/ledger-client.ts';
import { gateStateQuery, gateWorkflowId, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { usageLedgerStateQuery, usageLedgerWorkflowId } from '../../workflows/usage/contract.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';
import { startLedgerWorker } from '../helpers/temporal.ts';
import type { RecordedRun, Scenario, ScenarioContext } from './types.ts';

const GATEWAY = 'host-a';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deadline = () => Date.now() + 10_000;

/** Plays `play` while the ledger worker of {@link GATEWAY} runs. */
async function withHostLedger(ctx: ScenarioContext, play: () => Promise<RecordedRun>): Promise<RecordedRun> {
  const connection = await NativeConnection.connect({ address: ctx.address });
  try {
    const worker = await startLedgerWorker({ nativeConnection: connection, namespace: 'default' }, GATEWAY);
    try {
      return await play();
    } finally {
      await worker.stop();
    }
  } finally {
    await connection.close();
  }
}

async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await done()) return;
    await sleep(100);
  }
  throw new Error(`scenario condition not reached: ${what}`);
}

function records(n: number): UsageRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const r = extractUsage({ runId: `per-gateway-${i}`, provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 100 + i, output: 20 } }, 'llm_output', { now: Date.now() });
    if (r === null) throw new Error('the scenario payload has usage');
    return r;
  });
}

export const ledgerHostScenarios: readonly Scenario[] = [
  {
    name: 'gate-ledger-per-gateway',
    run: (ctx) =>
      withHostLedger(ctx, async () => {
        const peer = '+4911100030';
        const config: GateRuntimeConfig = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: join(ctx.tmpDir, 'host-a-gate.db'), gatewayId: GATEWAY };
        await ctx.gate.trigger(peer, { messageId: 'per-gateway-1', sender: '+15550001', text: 'friday: per gateway', body: 'per gateway', receivedAt: Date.now(), config }, deadline());
        await ctx.gate.decide(peer, { decisionId: 'per-gateway-d1', content: 'reply', config }, deadline());
        const handle = ctx.client.workflow.getHandle(gateWorkflowId('whatsapp', peer));
        await until('gate ledger written', async () => (await handle.query(gateStateQuery)).ledger.length === 0);
        return { workflowId: gateWorkflowId('whatsapp', peer) };
      }),
  },
  {
    name: 'usage-ledger-per-gateway',
    run: (ctx) =>
      withHostLedger(ctx, async () => {
        const bridge = new TemporalBridge({ address: ctx.address, namespace: 'default' });
        bridge.start();
        try {
          const usage = new UsageLedgerClient(bridge, { taskQueue: 'openclaw-temporal' });
          await usage.send('replay-per-gateway', { dbPath: join(ctx.tmpDir, 'host-a-usage.db'), gatewayId: GATEWAY, records: records(3) }, deadline());
          const handle = ctx.client.workflow.getHandle(usageLedgerWorkflowId('replay-per-gateway'));
          await until('usage written', async () => (await handle.query(usageLedgerStateQuery)).counters.written === 3);
          return { workflowId: usageLedgerWorkflowId('replay-per-gateway') };
        } finally {
          await bridge.stop();
        }
      }),
  },
];
