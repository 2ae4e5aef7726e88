// The dead-letter gauge on the worker's Prometheus endpoint: the deployable worker (worker/main.ts) with metrics on,
// a real dev server, a gate whose ledger (a real SQLite file) refuses every write. Once the gate parks its writes,
// a scrape of /metrics shows exactly as many as the gate itself reports.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { gateStateQuery, gateWorkflowId } from '../../workflows/gate/contract.ts';
import { deadLetterCount } from '../../workflows/gate/dead-letters.ts';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { refusingLedger } from '../helpers/refusing-ledger.ts';
import { eventually, tempDir } from '../helpers/temporal.ts';
import { withMetricsWorker } from './metrics-worker.ts';

const GAUGE = 'openclaw_ledger_dead_letters';

/** The gate's series of the gauge in a scrape, or undefined when it is not there (yet). */
async function gateDeadLetters(port: number): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${GAUGE}{`) && l.includes('plugin="lorene-gate"'));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('dead-letter metric', () => {
  const tmp = tempDir('dead-letter-metric');
  const metrics = withMetricsWorker(tmp.dir, { OPENCLAW_TEMPORAL_STATE_GAUGE_INTERVAL_MS: '500' }, join(tmp.dir, 'data'));

  after(() => tmp.cleanup());

  test('a scrape counts the ledger writes a gate parked, as the gate reports them', async () => {
    assert.equal(await eventually('the gauge at 0 with no gate', () => gateDeadLetters(metrics.port)), 0);
    const bridge = new TemporalBridge({ address: metrics.env.address, namespace: 'default', tracing: null });
    bridge.start();
    try {
      const gate = new GateClient(bridge, new KeyedChain(), { channel: 'whatsapp', taskQueue: WORKFLOW_TASK_QUEUE });
      const peer = '+4917300000001';
      const ledger = refusingLedger(join(tmp.dir, 'refusing.db'));
      const config = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: ledger.path };
      await gate.trigger(peer, { messageId: 'm-1', sender: '+15550001', text: 'friday: tonight?', body: 'tonight?', receivedAt: Date.now(), config }, Date.now() + 20_000);
      assert.equal((await gate.decide(peer, { decisionId: 'dl-metric-1', content: 'an answer', config }, Date.now() + 20_000)).action, 'deliver');
      const handle = metrics.env.client.workflow.getHandle(gateWorkflowId('whatsapp', peer));
      // The bounded attempts of each write take about 8 s before the write is parked.
      const parked = await eventually('the gate parks its ledger writes', async () => {
        const state = await handle.query(gateStateQuery);
        return state.ledger.length === 0 && deadLetterCount(state) > 0 ? deadLetterCount(state) : undefined;
      }, 60_000);
      assert.equal(await eventually('the gauge shows them', async () => ((await gateDeadLetters(metrics.port)) === parked ? parked : undefined), 20_000), parked);
    } finally {
      await bridge.stop();
    }
  });
});
