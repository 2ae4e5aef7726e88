/**
 * What one gate decision costs a Temporal cluster, measured (docs/scaling.md): starts the native cluster on
 * PostgreSQL (scripts/cluster/) and one worker process, runs trigger → decide rounds on many peers through the
 * bridge's GateClient, then counts per decision the history events by type (updates, signals, activities,
 * timers, search-attribute upserts, workflow tasks, runs), the visibility rows and the database growth.
 * Usage: `npm run bootstrap -- --cluster && tsx scripts/measure-scaling.ts [--peers 20] [--rounds 10]`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { payloadDataConverter } from '../plugin-bridge/shared/codec/data-converter.ts';
import { GateClient } from '../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../plugin-bridge/shared/temporal-bridge.ts';
import { gateWorkflowId, type GateRuntimeConfig } from '../workflows/gate/contract.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../workflows/shared/task-queues.ts';
import { startWorkerProcess, waitUntilPolling } from '../test/helpers/processes.ts';
import { findPostgresBin } from './cluster-tools.mjs';
import { startCluster, type Cluster } from './cluster/cluster.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const { values } = parseArgs({ options: { peers: { type: 'string', default: '20' }, rounds: { type: 'string', default: '10' } } });
const PEERS = Number(values.peers);
const ROUNDS = Number(values.rounds);

function sql(cluster: Cluster, db: string, query: string): number {
  const psql = join(findPostgresBin() ?? '', 'psql');
  const out = spawnSync(psql, ['-h', cluster.postgres.host, '-p', String(cluster.postgres.port), '-U', cluster.postgres.user, '-d', db, '-tAc', query], { encoding: 'utf8' });
  return Number(out.stdout.trim());
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'measure-scaling-'));
  if (process.getuid?.() === 0) chmodSync(dir, 0o711);
  const cluster = await startCluster({ dir: join(dir, 'cluster'), progress: say });
  const worker = startWorkerProcess({ address: cluster.address, dataDir: join(dir, 'worker'), logFile: join(dir, 'worker.log') });
  const connection = await Connection.connect({ address: cluster.address });
  const client = new Client({ connection, namespace: cluster.namespace, dataConverter: payloadDataConverter() });
  const bridge = new TemporalBridge({ address: cluster.address, namespace: cluster.namespace });
  try {
    await waitUntilPolling(client, worker, { workflow: WORKFLOW_TASK_QUEUE, activity: LEDGER_TASK_QUEUE });
    bridge.start();
    const gate = new GateClient(bridge, new KeyedChain(), { channel: 'whatsapp', taskQueue: WORKFLOW_TASK_QUEUE });
    const config: GateRuntimeConfig = { armTtlMs: 600_000, maxUsesPerArm: 1000, missedResponseTtlMs: 600_000, dbPath: join(dir, 'lorene-gate.db') };
    const peers = Array.from({ length: PEERS }, (_, i) => `+49170${String(6_000_000 + i)}`);
    const bytesBefore = sql(cluster, 'temporal', "SELECT pg_database_size('temporal')");
    const started = Date.now();
    await Promise.all(
      peers.map(async (peer) => {
        for (let round = 1; round <= ROUNDS; round++) {
          await gate.trigger(peer, { messageId: `m-${round}`, sender: '+15550001', text: 'friday: go', body: 'go', receivedAt: Date.now(), config }, Date.now() + 60_000);
          await gate.decide(peer, { decisionId: `d-${peer}-${round}`, content: 'answer', config }, Date.now() + 60_000);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 3000)); // the ledger writer's linger, so its activities are in the histories
    const events = new Map<string, number>();
    let runs = 0;
    for (const peer of peers) {
      for await (const run of client.workflow.list({ query: `WorkflowId = "${gateWorkflowId('whatsapp', peer)}"` })) {
        runs += 1;
        const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
        for (const event of history.events ?? []) {
          const type = proto.temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? String(event.eventType);
          events.set(type, (events.get(type) ?? 0) + 1);
        }
      }
    }
    const decisions = PEERS * ROUNDS;
    const perDecision = Object.fromEntries([...events].sort().map(([type, n]) => [type, Number((n / decisions).toFixed(3))]));
    const report = {
      peers: PEERS,
      rounds: ROUNDS,
      decisions,
      roundsPerSecond: Number((decisions / seconds).toFixed(1)),
      runs,
      historyEventsPerDecision: Number(([...events.values()].reduce((a, b) => a + b, 0) / decisions).toFixed(2)),
      eventTypesPerDecision: perDecision,
      visibilityRows: sql(cluster, 'temporal_visibility', 'SELECT count(*) FROM executions_visibility'),
      temporalDbBytesPerDecision: Math.round((sql(cluster, 'temporal', "SELECT pg_database_size('temporal')") - bytesBefore) / decisions),
    };
    say(JSON.stringify(report, null, 2));
  } finally {
    await bridge.stop();
    await worker.kill();
    await connection.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`measure-scaling failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
