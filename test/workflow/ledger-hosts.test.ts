/**
 * Ledgers with two gateway hosts (issue 15, docs/scaling.md): each host's ledger worker serves
 * `openclaw-temporal-ledger/<gatewayId>` and writes its own SQLite files; the gate and usage workflows send a
 * batch to the queue of the gateway that sent the event. On a real Temporal server (the cluster with
 * `TEMPORAL_TARGET=cluster`), beside the stack's ledger worker of the fixed queue, which must get none of it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { UsageLedgerClient } from '../../plugin-bridge/usage-ledger/ledger-client.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';
import { gateWorkflowId, seenLedgerWorkflowId, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { usageLedgerWorkflowId } from '../../workflows/usage/contract.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';
import { hostLedgerTaskQueue, WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { withBridgeStack } from '../helpers/bridge-stack.ts';
import { readRows } from '../helpers/sqlite.ts';
import { eventually, startLedgerWorker, type RunningLedgerWorker } from '../helpers/temporal.ts';

const CHANNEL = 'whatsapp';
let gate: GateClient;
let usage: UsageLedgerClient;
const stack = withBridgeStack('ledger-hosts', ({ bridge }) => {
  gate = new GateClient(bridge, new KeyedChain(), { channel: CHANNEL, taskQueue: WORKFLOW_TASK_QUEUE });
  usage = new UsageLedgerClient(bridge, { taskQueue: WORKFLOW_TASK_QUEUE });
});

type Host = 'east' | 'west';
const HOSTS: readonly Host[] = ['east', 'west'];
const other = (host: Host): Host => (host === 'east' ? 'west' : 'east');
/** Each host's own files, as its plugins' `dbPath` names them. */
const files = (host: Host) => ({ gate: join(stack.dir, `${host}-lorene-gate.db`), usage: join(stack.dir, `${host}-usage-ledger.db`) });
const config = (host: Host): GateRuntimeConfig => ({ armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: files(host).gate, gatewayId: host });
const soon = () => Date.now() + 10_000;
const workers = new Map<Host, RunningLedgerWorker>();
let round = 0;

function record(eventId: string): UsageRecord {
  const r = extractUsage({ runId: `run-${eventId}`, provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 100, output: 20 } }, 'llm_output', { eventId, now: Date.now() });
  assert.ok(r);
  return r;
}

/** What one gateway sends in a round: a trigger of its peer, a seen message, two usage records. */
async function sendFrom(host: Host) {
  const tag = `${host}-${++round}`;
  const peer = `+4915${host === 'east' ? 1 : 2}0000${String(round).padStart(3, '0')}`;
  const records = [record(`${tag}-a`), record(`${tag}-b`)];
  await gate.trigger(peer, { messageId: `m-${tag}`, sender: '+15550001', text: 'friday: dinner?', body: 'dinner?', receivedAt: Date.now(), config: config(host) }, soon());
  await gate.seen([{ op: 'seen', channel: CHANNEL, messageId: `s-${tag}`, sender: '+15550009', peer, at: Date.now() }], files(host).gate, soon(), host);
  await usage.send(`agent-${host}`, { dbPath: files(host).usage, gatewayId: host, records }, soon());
  return { host, peer, requestId: `${CHANNEL}:m-${tag}`, seenId: `s-${tag}`, usageIds: records.map((r) => r.requestId) };
}
type Sent = Awaited<ReturnType<typeof sendFrom>>;

/** What of `sent` the ledger files of `host` hold (an absent file holds nothing). */
function found(host: Host, sent: Sent) {
  // A file is created, with all its tables, by the first write to it: no file yet, nothing written there.
  const rows = <T>(path: string, sql: string, ...params: unknown[]): T[] => (existsSync(path) ? readRows<T>(path, sql, ...params) : []);
  const { gate: gatePath, usage: usagePath } = files(host);
  return {
    request: rows(gatePath, 'SELECT request_id FROM requests WHERE request_id = ?', sent.requestId).length,
    seen: rows(gatePath, 'SELECT message_id FROM seen_messages WHERE message_id = ?', sent.seenId).length,
    usage: rows<{ request_id: string }>(usagePath, 'SELECT request_id FROM llm_usage_events').filter((r) => sent.usageIds.includes(r.request_id)).length,
  };
}
const ALL = { request: 1, seen: 1, usage: 2 };
const NONE = { request: 0, seen: 0, usage: 0 };
const written = (sent: Sent) => eventually(`${sent.host}'s round written`, () => (JSON.stringify(found(sent.host, sent)) === JSON.stringify(ALL) ? true : undefined), 30_000);

/** `queue identity` of each ledger activity in the workflow's history: where it was scheduled and who ran it. */
async function ledgerActivities(workflowId: string): Promise<string[]> {
  const events = (await stack.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const queues = new Map<string, string>();
  const ran: string[] = [];
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled && ['applyGateLedger', 'appendUsage'].includes(scheduled.activityType?.name ?? '')) queues.set(String(e.eventId), scheduled.taskQueue?.name ?? '');
    const started = e.activityTaskStartedEventAttributes;
    const queue = started && queues.get(String(started.scheduledEventId));
    if (started && queue !== undefined) ran.push(`${queue} ${started.identity ?? ''}`);
  }
  return ran;
}

async function startHost(host: Host): Promise<void> {
  workers.set(host, await startLedgerWorker(stack.env, host));
}

async function stopHost(host: Host): Promise<void> {
  await workers.get(host)?.stop();
  workers.delete(host);
}

describe('ledgers with two gateway hosts (per-host ledger queues)', () => {
  test('gates and usage records from each gateway are written by its own host’s worker, into its own files only', async () => {
    await Promise.all(HOSTS.map(startHost));
    try {
      const sent = [await sendFrom('east'), await sendFrom('west')];
      for (const s of sent) {
        await written(s);
        assert.deepEqual(found(other(s.host), s), NONE, `nothing of ${s.host}'s in ${other(s.host)}'s files`);
        const own = `${hostLedgerTaskQueue(s.host)} ${workers.get(s.host)?.identity}`;
        for (const workflowId of [gateWorkflowId(CHANNEL, s.peer), seenLedgerWorkflowId(CHANNEL, s.host), usageLedgerWorkflowId(`agent-${s.host}`)]) {
          const ran = await ledgerActivities(workflowId);
          assert.ok(ran.length > 0 && ran.every((r) => r === own), `${workflowId}: every ledger write on ${own}, got ${ran.join(', ')}`);
        }
      }
    } finally {
      await Promise.all(HOSTS.map(stopHost));
    }
  });

  test('a batch for a host whose worker is down waits on its queue and is written, once, when the worker is back', async () => {
    await Promise.all(HOSTS.map(startHost));
    try {
      await stopHost('west');
      // West's first: a batch routed anywhere but west's queue would be written before east's.
      const west = await sendFrom('west');
      const east = await sendFrom('east');
      await written(east);
      const pending = await eventually('west’s gate and usage writes wait on west’s queue', async () => {
        const waiting = await Promise.all([gateWorkflowId(CHANNEL, west.peer), seenLedgerWorkflowId(CHANNEL, 'west'), usageLedgerWorkflowId('agent-west')].map(async (id) => (await stack.env.client.workflow.getHandle(id).describe()).raw.pendingActivities ?? []));
        return waiting.every((p) => p.length === 1) ? waiting.flat() : undefined;
      });
      assert.deepEqual(pending.map((p) => p.activityType?.name), ['applyGateLedger', 'applyGateLedger', 'appendUsage']);
      assert.deepEqual([found('west', west), found('east', west)], [NONE, NONE], 'nothing of west’s written while its worker is down');

      await startHost('west');
      await written(west);
      assert.deepEqual(found('east', west), NONE, 'nothing of west’s in east’s files');
      assert.deepEqual(found('west', east), NONE, 'nothing of east’s in west’s files');
      const own = `${hostLedgerTaskQueue('west')} ${workers.get('west')?.identity}`;
      const ran = await ledgerActivities(gateWorkflowId(CHANNEL, west.peer));
      assert.ok(ran.length > 0 && ran.every((r) => r === own), `west's gate written by west's restarted worker, got ${ran.join(', ')}`);
    } finally {
      await Promise.all(HOSTS.map(stopHost));
    }
  });
});
