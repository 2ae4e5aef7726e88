/**
 * Decisions that arrive while a gate continues as new (issue 14), on a real dev server: several bridges' decisions
 * for one peer in flight at once over a gate with a lowered history bound, until some of them reached a run that
 * was closing and were sent again to the new run. Every decision is answered, each once: exactly the arm's uses are
 * delivered, the rest cancelled, the counters and the ledger agree (one row per decision id), and no use is lost
 * or spent twice.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { workflowClosingRetries } from '../../plugin-bridge/shared/grpc-retry.ts';
import { gateStateQuery, gateWorkflowId, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { withBridgeStack } from '../helpers/bridge-stack.ts';
import { readRows } from '../helpers/sqlite.ts';
import { eventually } from '../helpers/temporal.ts';

const CHANNEL = 'whatsapp';
const stack = withBridgeStack('gate-can-decisions');
const LANES = 4;
const PER_LANE = 15;
const USES = 40;
const MAX_ROUNDS = 6;

describe('decisions at a continue-as-new (real dev server)', () => {
  test('decisions in flight across continue-as-new are each answered once; no use lost or spent twice', async () => {
    // Each bridge client has its own chain, as gateways sharing one gate would: their decisions overlap.
    const clients = Array.from({ length: LANES }, () => new GateClient(stack.bridge, new KeyedChain(), { channel: CHANNEL, taskQueue: 'openclaw-temporal' }));
    const dbPath = join(stack.dir, 'lorene-gate.db');
    const retriesBefore = workflowClosingRetries();
    let round = 0;
    while (round < MAX_ROUNDS && (round === 0 || workflowClosingRetries() === retriesBefore)) {
      round += 1;
      const peer = `+49171555${String(round).padStart(4, '0')}`;
      const cfg: GateRuntimeConfig = { armTtlMs: 600_000, maxUsesPerArm: USES, missedResponseTtlMs: 1_200_000, dbPath };
      const started = await stack.env.client.workflow.start('gateWorkflow', { workflowId: gateWorkflowId(CHANNEL, peer), taskQueue: 'openclaw-temporal', args: [{ channel: CHANNEL, peer, maxHistoryEvents: 60 }] });
      const handle = stack.env.client.workflow.getHandle(gateWorkflowId(CHANNEL, peer));
      await clients[0]?.trigger(peer, { messageId: `can-${round}`, sender: '+15550001', text: 'friday: tonight?', body: 'tonight?', receivedAt: Date.now(), config: cfg }, Date.now() + 10_000);
      const answers = await Promise.all(
        clients.map(async (client, lane) => {
          const mine: string[] = [];
          for (let i = 0; i < PER_LANE; i += 1) {
            const decision = await client.decide(peer, { decisionId: `can-${round}-${lane}-${i}`, content: `answer ${lane}.${i}`, config: cfg }, Date.now() + 20_000);
            mine.push(decision.action === 'deliver' ? 'deliver' : `cancel:${decision.reason}`);
          }
          return mine;
        }),
      );
      const all = answers.flat();
      assert.equal(all.length, LANES * PER_LANE, 'every decision answered');
      assert.equal(all.filter((a) => a === 'deliver').length, USES, 'exactly the arm’s uses delivered');
      assert.equal(all.filter((a) => a === 'cancel:no-arm').length, LANES * PER_LANE - USES, 'the rest cancelled: no arm left');
      const s = await handle.query(gateStateQuery);
      assert.equal(s.counters.delivered, USES);
      assert.equal(s.counters.blocked, LANES * PER_LANE - USES);
      const latest = await handle.describe();
      assert.notEqual(latest.runId, started.firstExecutionRunId, 'the gate continued as new during the decisions');
      // The ledger holds each decision once: a response row per delivered decision, a blocked row per cancelled one.
      const count = (table: string) => readRows<{ n: number; ids: number }>(dbPath, `SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS ids FROM ${table} WHERE peer = ?`, peer)[0];
      const written = await eventually('the ledger is written', () => {
        const sent = count('responses');
        const blocked = count('blocked_messages');
        return sent?.n === USES && blocked?.n === LANES * PER_LANE - USES ? { sent, blocked } : undefined;
      });
      assert.deepEqual(written, { sent: { n: USES, ids: USES }, blocked: { n: LANES * PER_LANE - USES, ids: LANES * PER_LANE - USES } });
    }
    assert.ok(workflowClosingRetries() > retriesBefore, `a decision reached a closing run and was sent again (rounds: ${round})`);
  });
});
