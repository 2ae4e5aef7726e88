/**
 * Scenarios recorded with the payload codec on (the committed test key): their histories in test/histories/ hold
 * only encrypted payloads, and the replay test replays them with the codec configured. The `-by-reference` ones
 * record the runs since the `gate-ledger-by-reference` / `usage-ledger-by-reference` patches (the ledger activity
 * reads its batch by query) and failures with encoded messages.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { UsageLedgerClient } from '../../plugin-bridge/usage-ledger/ledger-client.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { gateReplayDeadLettersUpdate, gateStateQuery, gateWorkflowId } from '../../workflows/gate/contract.ts';
import { usageLedgerStateQuery, usageLedgerWorkflowId } from '../../workflows/usage/contract.ts';
import { refusingLedger } from '../helpers/refusing-ledger.ts';
import type { Scenario } from './types.ts';

const PEER = '+4911100090';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deadline = () => Date.now() + 10_000;

/** Polls until `done` holds (or throws after `tries` × 100 ms). */
async function until(what: string, done: () => Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (await done()) return;
    await sleep(100);
  }
  throw new Error(`scenario condition not reached: ${what}`);
}

export const privacyScenarios: readonly Scenario[] = [
  {
    name: 'privacy-gate-encrypted',
    async run(ctx) {
      const config = { armTtlMs: 60_000, maxUsesPerArm: 2, missedResponseTtlMs: 120_000, dbPath: ctx.dbPath };
      const body = 'what is the door code?';
      await ctx.gate.trigger(PEER, { messageId: 'enc-1', sender: '+15550001', text: `friday: ${body}`, body, receivedAt: Date.now(), config }, deadline());
      await ctx.gate.decide(PEER, { decisionId: 'enc-d1', content: 'The code is 4711.', config }, deadline());
      const handle = ctx.client.workflow.getHandle(gateWorkflowId('whatsapp', PEER));
      for (let i = 0; i < 100 && (await handle.query(gateStateQuery)).ledger.length > 0; i += 1) await new Promise((r) => setTimeout(r, 100));
      return { workflowId: gateWorkflowId('whatsapp', PEER) };
    },
  },
  {
    // The ledger refuses the first batch (dead-lettered after its attempts, the failures encoded), then is fixed:
    // the pump's write and the dead-letter replay both lend their ops to the activity by reference.
    name: 'privacy-gate-ledger-by-reference',
    async run(ctx) {
      const peer = '+4911100091';
      const ledger = refusingLedger(join(ctx.tmpDir, 'privacy-refusing.db'));
      const config = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: ledger.path };
      const body = 'is the car free tonight?';
      await ctx.gate.trigger(peer, { messageId: 'ref-1', sender: '+15550001', text: `friday: ${body}`, body, receivedAt: Date.now(), config }, deadline());
      await ctx.gate.decide(peer, { decisionId: 'ref-d1', content: 'Yes, keys are in the drawer.', config }, deadline());
      const handle = ctx.client.workflow.getHandle(gateWorkflowId('whatsapp', peer));
      await until('a dead letter', async () => ((await handle.query(gateStateQuery)).deadLetters?.length ?? 0) >= 1);
      ledger.fix();
      const replayed = await handle.executeUpdate(gateReplayDeadLettersUpdate);
      if (replayed.remaining !== 0) throw new Error(`replay left ${replayed.remaining} ops`);
      await ctx.gate.decide(peer, { decisionId: 'ref-d2', content: 'And fill it up, please.', config }, deadline());
      await until('ledger written', async () => (await handle.query(gateStateQuery)).ledger.length === 0);
      return { workflowId: handle.workflowId };
    },
  },
  {
    // The ledger file cannot be created at first (its folder is a file): the activity fails once, with the path in
    // its encoded message, then writes the records it reads from the workflow by reference.
    name: 'privacy-usage-ledger-by-reference',
    async run(ctx) {
      const blocker = join(ctx.tmpDir, 'usage-folder');
      writeFileSync(blocker, 'not a folder');
      const bridge = new TemporalBridge({ address: ctx.address, namespace: 'default' });
      bridge.start();
      try {
        const usage = new UsageLedgerClient(bridge, { taskQueue: 'openclaw-temporal' });
        const record = extractUsage(
          { runId: 'ref-run', provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 10, output: 5 }, prompt: 'plan the trip', assistantTexts: ['Day 1: Lisbon'] },
          'llm_output',
          { eventId: 'ref-usage-1', now: Date.now() },
        );
        if (record === null) throw new Error('the scenario payload has usage');
        await usage.send('privacy-ref', { dbPath: join(blocker, 'usage.db'), records: [record] }, deadline());
        const handle = ctx.client.workflow.getHandle(usageLedgerWorkflowId('privacy-ref'));
        await until('a failed attempt', async () => ((await handle.describe()).raw.pendingActivities?.[0]?.attempt ?? 0) >= 2);
        rmSync(blocker);
        await until('record written', async () => (await handle.query(usageLedgerStateQuery)).counters.written === 1);
        return { workflowId: handle.workflowId };
      } finally {
        await bridge.stop();
      }
    },
  },
];
