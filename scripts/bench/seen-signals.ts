/**
 * Seen-messages signals per inbound message (issue 14): `npm run bench -- --only seen-signals`. Inbound messages
 * that are not triggers are recorded as seen facts in the bridge's outbox (GateFacts, as lorene-gate wires it) and
 * delivered through the real GateClient; the signals the channel's seen-messages workflow received are counted
 * from its history. Two paces: a burst (all messages at once) and a steady stream (one every `gapMs`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { FACT_SHAPE, GateFacts, type OutgoingFact } from '../../plugin-bridge/lorene-gate/facts.ts';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { createBridgeLogger } from '../../plugin-bridge/shared/bridge-logger.ts';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { Outbox } from '../../plugin-bridge/shared/outbox.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { seenLedgerWorkflowId } from '../../workflows/gate/contract.ts';

/** Signals and rows per pace. */
export interface SeenSignalsResult {
  readonly messages: number;
  readonly burst: { readonly signals: number; readonly signalsPer100: number };
  readonly steady: { readonly gapMs: number; readonly signals: number; readonly signalsPer100: number };
}

const SIGNALED = 26;
const quiet = createBridgeLogger({ debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }, { plugin: 'lorene-gate' }, false);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function signalsOf(address: string, workflowId: string): Promise<number> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter() });
    let signals = 0;
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      signals += (history.events ?? []).filter((e) => Number(e.eventType) === SIGNALED).length;
    }
    return signals;
  } finally {
    await connection.close();
  }
}

/** Records `messages` seen facts on a fresh channel at `gapMs` apart (0: at once) and counts the signals. */
async function pace(address: string, dbPath: string, channel: string, messages: number, gapMs: number): Promise<number> {
  const bridge = new TemporalBridge({ address, namespace: 'default' });
  bridge.start();
  const gate = new GateClient(bridge, new KeyedChain(), { channel, taskQueue: 'openclaw-temporal' });
  const deliver = (fact: OutgoingFact, deadline: number): Promise<void> =>
    fact.kind === 'seen-batch' ? gate.seen(fact.rows, fact.dbPath, deadline) : Promise.reject(new Error(`unexpected ${fact.kind}`));
  const facts = new GateFacts(deliver, quiet, { sendTimeoutMs: 10_000, retryIntervalMs: 200 });
  const outbox = new Outbox(join(mkdtempSync(join(tmpdir(), 'seen-signals-')), 'outbox.jsonl'), 64 * 1024 * 1024, FACT_SHAPE);
  await facts.start(outbox);
  try {
    const recorded: Promise<void>[] = [];
    for (let i = 0; i < messages; i++) {
      recorded.push(facts.record({ kind: 'seen', dbPath, row: { op: 'seen', channel, messageId: `${channel}-${i}`, sender: '+15550002', peer: `+1555000${i % 9}`, at: Date.now() } }));
      if (gapMs > 0) await sleep(gapMs);
    }
    await Promise.all(recorded);
    for (let i = 0; i < 600 && !outbox.isEmpty; i++) await sleep(100);
  } finally {
    await facts.stop();
    await bridge.stop();
  }
  return signalsOf(address, seenLedgerWorkflowId(channel));
}

/** The two paces, each on its own channel (its own seen-messages workflow). */
export async function benchSeenSignals(address: string, dbPath: string, messages = 100, gapMs = 5): Promise<SeenSignalsResult> {
  const per100 = (signals: number) => Math.round((signals * 100 * 10) / messages) / 10;
  const burst = await pace(address, dbPath, `seen-burst-${process.pid}`, messages, 0);
  const steady = await pace(address, dbPath, `seen-steady-${process.pid}`, messages, gapMs);
  return { messages, burst: { signals: burst, signalsPer100: per100(burst) }, steady: { gapMs, signals: steady, signalsPer100: per100(steady) } };
}
