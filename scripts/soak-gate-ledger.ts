/**
 * `npx tsx scripts/soak-gate-ledger.ts [minutes]` (default 10): issue 9's acceptance run for the gate ledger at
 * full length, on a fresh dev server with the real worker. The gate's ledger database rejects every write for the
 * whole run while an allowed person triggers every 20 s (the original's minimum armTtlMs, 15 s) and the assistant
 * answers; each arm must be disarmed by its timer, whatever the ledger does. At the end the database is fixed, the
 * dead letters are replayed, and every row must be in the ledger exactly once. Prints one JSON report.
 */
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { GateClient } from '../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../plugin-bridge/shared/temporal-bridge.ts';
import { refusingLedger } from '../test/helpers/refusing-ledger.ts';
import { readRows } from '../test/helpers/sqlite.ts';
import { startTestServer, startWorkers, tempDir } from '../test/helpers/temporal.ts';
import { gateStateQuery, gateWorkflowId, type GateRuntimeConfig } from '../workflows/gate/contract.ts';
import { deadLetterCount } from '../workflows/gate/dead-letters.ts';
import { replayDeadLetters } from './ops/dead-letters.ts';
import { collectStatus } from './ops/status.ts';

const minutes = Number(process.argv[2] ?? '10');
const PEER = '+4917300000001';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runs(client: Client, workflowId: string): Promise<number> {
  let n = 0;
  for await (const _ of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) n += 1;
  return n;
}

async function main(): Promise<void> {
  const env = await startTestServer();
  const workers = await startWorkers(env);
  const tmp = tempDir('soak-gate-ledger');
  const bridge = new TemporalBridge({ address: env.address, namespace: 'default' });
  bridge.start();
  try {
    const gate = new GateClient(bridge, new KeyedChain(), { channel: 'whatsapp', taskQueue: 'openclaw-temporal' });
    const ledger = refusingLedger(join(tmp.dir, 'lorene-gate.db'));
    const config: GateRuntimeConfig = { armTtlMs: 15_000, maxUsesPerArm: 3, missedResponseTtlMs: 600_000, dbPath: ledger.path };
    const state = () => env.client.workflow.getHandle(gateWorkflowId('whatsapp', PEER)).query(gateStateQuery);
    const deadline = () => Date.now() + 10_000;
    const end = Date.now() + minutes * 60_000;
    const lateness: number[] = [];
    let cycles = 0;
    let delivered = 0;
    let cancelled = 0;
    while (Date.now() < end) {
      cycles += 1;
      await gate.trigger(PEER, { messageId: `soak-${cycles}`, sender: '+15550001', text: `friday: movie ${cycles}`, body: `movie ${cycles}`, receivedAt: Date.now(), config }, deadline());
      const answer = await gate.decide(PEER, { decisionId: `soak-${cycles}-a`, content: `answer ${cycles}`, config }, deadline());
      if (answer.action === 'deliver') delivered += 1;
      const expiresAt = answer.expiresAt ?? Date.now();
      while ((await state()).arm !== null) await sleep(100);
      lateness.push(Date.now() - expiresAt); // how long after its expiry the arm was seen disarmed (poll included)
      const late = await gate.decide(PEER, { decisionId: `soak-${cycles}-b`, content: 'too late', config }, deadline());
      if (late.action === 'cancel') cancelled += 1;
      await sleep(Math.max(0, 20_000 - 15_000 - Math.max(0, lateness.at(-1) ?? 0)));
    }
    while ((await state()).ledger.length > 0) await sleep(200);
    const before = await state();
    const status = (await collectStatus(env.client, Date.now())).gates.find((g) => g.workflowId === gateWorkflowId('whatsapp', PEER));
    const describe = await env.client.workflow.getHandle(gateWorkflowId('whatsapp', PEER)).describe();
    ledger.fix();
    const replays = await replayDeadLetters(env.client, null);
    const count = (table: string) => readRows<{ n: number }>(ledger.path, `SELECT COUNT(*) AS n FROM ${table}`)[0]?.n ?? -1;
    const report = {
      minutes, cycles, delivered, cancelled,
      disarmedAfterExpiryMs: { max: Math.max(...lateness), min: Math.min(...lateness) },
      deadLettersBeforeReplay: deadLetterCount(before), shownByOpsStatus: status?.deadLetters, historyLength: describe.historyLength,
      runs: await runs(env.client, gateWorkflowId('whatsapp', PEER)),
      replay: replays.map((r) => r.result),
      rows: { requests: count('requests'), responses: count('responses'), blocked_messages: count('blocked_messages'), seen_messages: count('seen_messages'), arms: count('arms') },
      distinctResponseEvents: readRows<{ n: number }>(ledger.path, 'SELECT COUNT(DISTINCT event_id) AS n FROM responses')[0]?.n,
    };
    process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
  } finally {
    await bridge.stop();
    await workers.stop();
    await env.teardown();
    tmp.cleanup();
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`soak failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
