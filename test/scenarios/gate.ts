/**
 * Gate scenarios played against a real dev server and worker; `npm run record-histories` saves the histories
 * they produce under test/histories/, and the replay test replays every one of them against the current code.
 */
import { join } from 'node:path';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { gateReplayDeadLettersUpdate, gateStateQuery, gateWorkflowId, seenLedgerWorkflowId, seenMessagesSignal, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import type { SeenOp } from '../../workflows/gate/ledger-ops.ts';
import { LEDGER_BUSY_LINGER } from '../../workflows/gate/workflow.ts';
import { refusingLedger } from '../helpers/refusing-ledger.ts';
import type { Scenario, ScenarioContext } from './types.ts';

const CHANNEL = 'whatsapp';
const SENDER = '+15550001';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deadline = () => Date.now() + 10_000;
const cfg = (dbPath: string, o: Partial<GateRuntimeConfig> = {}): GateRuntimeConfig => ({ armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath, ...o });
const trigger = (ctx: ScenarioContext, peer: string, messageId: string, config: GateRuntimeConfig) =>
  ctx.gate.trigger(peer, { messageId, sender: SENDER, text: `friday: ${messageId} please`, body: `${messageId} please`, receivedAt: Date.now(), config }, deadline());
let n = 0;
const send = (ctx: ScenarioContext, peer: string, config: GateRuntimeConfig) => ctx.gate.decide(peer, { decisionId: `rec-${Date.now()}-${++n}`, content: 'reply', config }, deadline());

async function waitFor(ctx: ScenarioContext, peer: string, done: (s: Awaited<ReturnType<typeof queryState>>) => boolean, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (done(await queryState(ctx, peer))) return;
    await sleep(100);
  }
  throw new Error(`scenario condition not reached for ${peer}`);
}
const queryState = (ctx: ScenarioContext, peer: string) => ctx.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer)).query(gateStateQuery);

export const gateScenarios: readonly Scenario[] = [
  {
    name: 'gate-arm-and-use-up',
    async run(ctx) {
      const peer = '+4911100001';
      const config = cfg(ctx.dbPath);
      await trigger(ctx, peer, 'use-1', config);
      for (let i = 0; i < 4; i += 1) await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.ledger.length === 0);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
  {
    name: 'gate-expiry-by-timer',
    async run(ctx) {
      const peer = '+4911100002';
      await trigger(ctx, peer, 'exp-1', cfg(ctx.dbPath, { armTtlMs: 800 }));
      await waitFor(ctx, peer, (s) => s.arm === null && s.ledger.length === 0);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
  {
    name: 'gate-watchdog-missed',
    async run(ctx) {
      const peer = '+4911100003';
      const config = cfg(ctx.dbPath, { armTtlMs: 500, missedResponseTtlMs: 1200 });
      await trigger(ctx, peer, 'miss-1', config);
      await waitFor(ctx, peer, (s) => s.counters.missed === 1 && s.ledger.length === 0);
      await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.ledger.length === 0);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
  {
    name: 'gate-recovery-rearm',
    async run(ctx) {
      const peer = '+4911100004';
      const config = cfg(ctx.dbPath, { armTtlMs: 400, missedResponseTtlMs: 60_000 });
      await trigger(ctx, peer, 'rec-1', config);
      await waitFor(ctx, peer, (s) => s.arm === null);
      await send(ctx, peer, config);
      await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.ledger.length === 0);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
  {
    name: 'gate-duplicate-message-id',
    async run(ctx) {
      const peer = '+4911100005';
      const config = cfg(ctx.dbPath);
      await trigger(ctx, peer, 'dup-1', config);
      await trigger(ctx, peer, 'dup-1', config);
      await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.counters.duplicates === 1 && s.ledger.length === 0);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
  {
    name: 'gate-continue-as-new',
    async run(ctx) {
      const peer = '+4911100006';
      const config = cfg(ctx.dbPath, { maxUsesPerArm: 100 });
      const handle = await ctx.client.workflow.start('gateWorkflow', {
        workflowId: gateWorkflowId(CHANNEL, peer),
        taskQueue: 'openclaw-temporal',
        args: [{ channel: CHANNEL, peer, maxHistoryEvents: 30 }],
      });
      await trigger(ctx, peer, 'can-1', config);
      for (let i = 0; i < 8; i += 1) await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.ledger.length === 0);
      return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
    },
  },
  {
    name: 'gate-ledger-batched',
    async run(ctx) {
      const peer = '+4911100007';
      const config = cfg(ctx.dbPath, { maxUsesPerArm: 10 });
      await trigger(ctx, peer, 'batch-1', config);
      for (let i = 0; i < 6; i += 1) await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.ledger.length === 0);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
  {
    // A ledger that rejects every write: the first batch is dead-lettered after its attempts, the next one parks
    // behind it, the expiry timer fires meanwhile; the database is fixed and the replay update writes both.
    name: 'gate-ledger-dead-letters',
    async run(ctx) {
      const peer = '+4911100008';
      const ledger = refusingLedger(join(ctx.tmpDir, 'refusing.db'));
      const config = cfg(ledger.path, { armTtlMs: 1500 });
      await trigger(ctx, peer, 'dead-1', config);
      await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.arm === null && (s.deadLetters?.length ?? 0) >= 1, 300);
      await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.ledger.length === 0 && (s.deadLetters?.length ?? 0) === 2);
      ledger.fix();
      const result = await ctx.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer)).executeUpdate(gateReplayDeadLettersUpdate);
      if (result.remaining !== 0) throw new Error(`replay left ${result.remaining} ops`);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
  {
    // Issue 9: the bridge abandons one decision after the gate applied it (the use comes back) and one before
    // the gate saw it (the late update is cancelled); a trigger replayed from the outbox keeps its observed time.
    name: 'gate-abandoned-decision',
    async run(ctx) {
      const peer = '+4911100009';
      const config = cfg(ctx.dbPath, { maxUsesPerArm: 2 });
      const observedAt = Date.now() - 5000;
      await ctx.gate.trigger(peer, { messageId: 'aband-1', sender: SENDER, text: 'friday: aband-1 please', body: 'aband-1 please', receivedAt: observedAt, observedAt, config }, deadline());
      const abandon = (decisionId: string) => ctx.gate.abandon(peer, { decisionId, content: 'reply', reason: 'Temporal gave no decision within 3000 ms (timeout)', observedAt: Date.now(), config }, deadline());
      await ctx.gate.decide(peer, { decisionId: 'aband-applied', content: 'reply', config }, deadline());
      await abandon('aband-applied');
      await abandon('aband-early');
      await ctx.gate.decide(peer, { decisionId: 'aband-early', content: 'reply', config }, deadline());
      await waitFor(ctx, peer, (s) => s.ledger.length === 0 && s.counters.blocked === 2);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
  {
    // The channel's seen-messages ledger on a database that rejects every write: the batch waits, is tried again
    // after the pause, and is written once the database is fixed.
    name: 'gate-seen-ledger-failing',
    async run(ctx) {
      const ledger = refusingLedger(join(ctx.tmpDir, 'refusing-seen.db'));
      const row = (id: string): SeenOp => ({ op: 'seen', channel: 'signal', messageId: id, sender: '+15550002', peer: '+15550003', at: Date.now() });
      const seen = (id: string) => ctx.client.workflow.signalWithStart('gateSeenLedgerWorkflow', {
        workflowId: seenLedgerWorkflowId('signal'), taskQueue: 'openclaw-temporal', args: [{ channel: 'signal' }],
        signal: seenMessagesSignal, signalArgs: [{ dbPath: ledger.path, rows: [row(id)] }],
      });
      await seen('fail-1');
      const workflow = ctx.client.workflow.getHandle(seenLedgerWorkflowId('signal'));
      for (let i = 0; i < 300 && !/LEDGER failing/.test((await workflow.query(workflowMetadataQuery)).currentDetails ?? ''); i += 1) await sleep(100);
      ledger.fix();
      await seen('fail-2');
      for (let i = 0; i < 600 && /LEDGER|[1-9]\d* waiting/.test((await workflow.query(workflowMetadataQuery)).currentDetails ?? ''); i += 1) await sleep(100);
      return { workflowId: seenLedgerWorkflowId('signal') };
    },
  },
  {
    name: 'gate-seen-ledger',
    async run(ctx) {
      const row = (id: string): SeenOp => ({ op: 'seen', channel: CHANNEL, messageId: id, sender: '+15550002', peer: '+15550003', at: Date.now() });
      await ctx.gate.seen([row('seen-1')], ctx.dbPath, deadline());
      await ctx.gate.seen([row('seen-2')], ctx.dbPath, deadline());
      await sleep(500);
      return { workflowId: seenLedgerWorkflowId(CHANNEL) };
    },
  },
  {
    // Since the bridge batches seen facts from its outbox (issue 14): one signal carries many rows, an old
    // bridge's single-row signal still arrives, and a row delivered again (at least once) is written once.
    name: 'gate-seen-batch',
    async run(ctx) {
      const channel = 'telegram';
      const row = (id: string): SeenOp => ({ op: 'seen', channel, messageId: id, sender: '+15550002', peer: '+15550003', at: Date.now() });
      const seen = (ids: readonly string[]) => ctx.client.workflow.signalWithStart('gateSeenLedgerWorkflow', {
        workflowId: seenLedgerWorkflowId(channel), taskQueue: 'openclaw-temporal', args: [{ channel }],
        signal: seenMessagesSignal, signalArgs: [{ dbPath: ctx.dbPath, rows: ids.map(row) }],
      });
      await seen(['batch-1', 'batch-2', 'batch-3']);
      await seen(['single-1']);
      await seen(['batch-3', 'batch-4', 'batch-5']);
      await sleep(500);
      return { workflowId: seenLedgerWorkflowId(channel) };
    },
  },
  {
    name: 'gate-duplicate-fact-id',
    async run(ctx) {
      // A trigger without a message id, delivered twice from the bridge's outbox: recognised by its fact id.
      const peer = '+4911100010';
      const config = cfg(ctx.dbPath);
      const event = { messageId: '', sender: SENDER, text: 'friday: no id please', body: 'no id please', receivedAt: Date.now(), observedAt: Date.now(), factId: 'fact-dup-1', config };
      await ctx.gate.trigger(peer, event, deadline());
      await send(ctx, peer, config);
      await ctx.gate.trigger(peer, event, deadline());
      await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.counters.duplicates === 1 && s.counters.delivered === 2 && s.ledger.length === 0);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
  {
    // Since `gate-fewer-commands`: a use pushes the expiry later without a new timer, the early timer fires and is
    // armed for the rest, a trigger with a shorter TTL cancels it for an earlier one; a lone write has no linger.
    name: 'gate-fewer-commands',
    async run(ctx) {
      const peer = '+4911100011';
      const config = cfg(ctx.dbPath, { armTtlMs: 1500, maxUsesPerArm: 5 });
      await trigger(ctx, peer, 'few-1', config);
      await sleep(700);
      await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.arm === null && s.ledger.length === 0);
      await trigger(ctx, peer, 'few-2', cfg(ctx.dbPath));
      await trigger(ctx, peer, 'few-3', cfg(ctx.dbPath, { armTtlMs: 400 }));
      await waitFor(ctx, peer, (s) => s.arm === null && s.ledger.length === 0);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
  {
    // Since `gate-fewer-commands`: the armed state carried over continue-as-new is not upserted again.
    name: 'gate-fewer-commands-continue-as-new',
    async run(ctx) {
      const peer = '+4911100012';
      const config = cfg(ctx.dbPath, { maxUsesPerArm: 100 });
      const handle = await ctx.client.workflow.start('gateWorkflow', { workflowId: gateWorkflowId(CHANNEL, peer), taskQueue: 'openclaw-temporal', args: [{ channel: CHANNEL, peer, maxHistoryEvents: 30 }] });
      await trigger(ctx, peer, 'few-can-1', config);
      for (let i = 0; i < 10; i += 1) await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.ledger.length === 0);
      const latest = await handle.describe();
      return { workflowId: handle.workflowId, runId: latest.runId };
    },
  },
  {
    // Since `gate-ledger-busy-linger`: decisions 0.7 s apart wait for company on a busy ledger (a later decision
    // takes the batch along, the last batch goes by the linger timer); after a quiet spell one is written at once.
    name: 'gate-ledger-busy-linger',
    async run(ctx) {
      const peer = '+4911100013';
      const config = cfg(ctx.dbPath, { maxUsesPerArm: 20 });
      await trigger(ctx, peer, 'busy-1', config);
      for (let i = 0; i < 8; i += 1) {
        await sleep(700);
        await send(ctx, peer, config);
      }
      await waitFor(ctx, peer, (s) => s.ledger.length === 0);
      await sleep(LEDGER_BUSY_LINGER.busyWithinMs + 200);
      await send(ctx, peer, config);
      await waitFor(ctx, peer, (s) => s.ledger.length === 0);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
  {
    // Since `gate-quiet-decisions`: decisions show their state from the handler (the last use turns the attribute
    // idle there); a trigger with a shorter TTL wakes the loop to arm an earlier timer, which disarms on time.
    name: 'gate-quiet-decisions',
    async run(ctx) {
      const peer = '+4911100014';
      await trigger(ctx, peer, 'quiet-1', cfg(ctx.dbPath, { maxUsesPerArm: 3 }));
      for (let i = 0; i < 4; i += 1) await send(ctx, peer, cfg(ctx.dbPath, { maxUsesPerArm: 3 }));
      await trigger(ctx, peer, 'quiet-2', cfg(ctx.dbPath));
      await send(ctx, peer, cfg(ctx.dbPath));
      await trigger(ctx, peer, 'quiet-3', cfg(ctx.dbPath, { armTtlMs: 400 }));
      await waitFor(ctx, peer, (s) => s.arm === null && s.ledger.length === 0);
      return { workflowId: gateWorkflowId(CHANNEL, peer) };
    },
  },
];
