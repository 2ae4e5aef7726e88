/**
 * The benchmark's ledger floors (scripts/bench/floor-workflow.ts), on a real dev server: the gate's trigger and
 * 50-peer rows are read as ratios to them (issue 14), so they must write what they claim, where they claim — rows
 * inline or by reference (read by query, as the gate hands its rows), every `every`-th operation, the first at once
 * with `firstAtOnce`. Counts of history events and SQLite rows only; nothing is timed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { closeFloorLedgers } from '../../scripts/bench/floor-activities.ts';
import { createFloorWorkers, FLOOR_TASK_QUEUE } from '../../scripts/bench/floor-worker.ts';
import { floorRecordSignal, floorRecordUpdate, ROWS_PER_SIGNAL, ROWS_PER_UPDATE, type benchFloorLedgerWorkflow, type FloorLedgerArgs } from '../../scripts/bench/floor-workflow.ts';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { payloadsIn } from '../helpers/raw-history.ts';
import { readRows } from '../helpers/sqlite.ts';
import { eventually, startTestServer, tempDir } from '../helpers/temporal.ts';

/** `temporal.api.enums.v1.EventType` values. */
const WORKFLOW_TASK_COMPLETED = 7;
const ACTIVITY_SCHEDULED = 10;
const ACTIVITY_COMPLETED = 12;
const SIGNALED = 26;

describe('the benchmark ledger floors (real dev server)', () => {
  let env: TestWorkflowEnvironment;
  let workers: Worker[];
  let running: Promise<unknown>;
  const { dir, cleanup } = tempDir('bench-floor');
  const dbPath = join(dir, 'floor-ledger.db');
  const [codec] = payloadDataConverter().payloadCodecs ?? [];

  before(async () => {
    env = await startTestServer();
    workers = await createFloorWorkers(env.nativeConnection);
    running = Promise.all(workers.map((w) => w.run()));
  });
  after(async () => {
    for (const w of workers ?? []) w.shutdown();
    await running;
    closeFloorLedgers();
    await env?.teardown();
    cleanup();
  });

  const rowsOf = (workflowId: string) => readRows<{ n: number }>(dbPath, 'SELECT COUNT(*) AS n FROM floor_rows WHERE workflow_id = ?', workflowId)[0]?.n ?? 0;
  const history = async (workflowId: string) => (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const count = (events: Awaited<ReturnType<typeof history>>, type: number) => events.filter((e) => Number(e.eventType) === type).length;
  /** Waits until every signal so far has been run and every scheduled write has completed. */
  const settled = (workflowId: string, signals: number) =>
    eventually(`${workflowId} ran its ${signals} signals`, async () => {
      const events = await history(workflowId);
      const lastSignal = events.findLastIndex((e) => Number(e.eventType) === SIGNALED);
      const ran = events.slice(lastSignal).some((e) => Number(e.eventType) === WORKFLOW_TASK_COMPLETED);
      return count(events, SIGNALED) === signals && ran && count(events, ACTIVITY_SCHEDULED) === count(events, ACTIVITY_COMPLETED) ? events : undefined;
    });
  const signal = (workflowId: string, args: FloorLedgerArgs, text: string) =>
    env.client.workflow.signalWithStart<typeof benchFloorLedgerWorkflow, [string]>('benchFloorLedgerWorkflow', { workflowId, taskQueue: FLOOR_TASK_QUEUE, args: [args], signal: floorRecordSignal, signalArgs: [text] });

  for (const byReference of [false, true]) {
    test(`a trigger floor${byReference ? ' by reference' : ''} writes its first signal at once, then one activity per two signals`, async () => {
      const workflowId = `bench-floor-test/trigger-${byReference ? 'ref' : 'inline'}`;
      const args: FloorLedgerArgs = { dbPath, every: 2, firstAtOnce: true, byReference };
      const text = `friday: secret-${byReference ? 'ref' : 'inline'}-${Date.now()}`;
      await signal(workflowId, args, text);
      let events = await settled(workflowId, 1);
      assert.equal(count(events, ACTIVITY_SCHEDULED), 1, 'the first signal is written at once');
      assert.equal(rowsOf(workflowId), ROWS_PER_SIGNAL);
      await signal(workflowId, args, text);
      events = await settled(workflowId, 2);
      assert.equal(count(events, ACTIVITY_SCHEDULED), 1, 'the second signal waits for the next write');
      assert.equal(rowsOf(workflowId), ROWS_PER_SIGNAL);
      await signal(workflowId, args, text);
      events = await settled(workflowId, 3);
      assert.equal(count(events, ACTIVITY_SCHEDULED), 2, 'the third signal writes, taking the second along');
      assert.equal(rowsOf(workflowId), 3 * ROWS_PER_SIGNAL);
      // By reference the activity's input names the batch; inline it carries the rows (and so the text).
      const inputs = payloadsIn(events.filter((e) => Number(e.eventType) === ACTIVITY_SCHEDULED).map((e) => e.activityTaskScheduledEventAttributes?.input));
      const decoded = codec === undefined ? inputs : await codec.decode(inputs);
      const carriesText = decoded.some((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8').includes(text));
      assert.equal(carriesText, !byReference, byReference ? 'no row travels in the activity input' : 'the rows travel in the activity input');
      await env.client.workflow.getHandle(workflowId).terminate('test done');
    });
  }

  test('the decision floor (no firstAtOnce) writes once per `every` updates, rows inline', async () => {
    const workflowId = 'bench-floor-test/decisions';
    await env.client.workflow.start<typeof benchFloorLedgerWorkflow>('benchFloorLedgerWorkflow', { workflowId, taskQueue: FLOOR_TASK_QUEUE, args: [{ dbPath, every: 3 }] });
    const handle = env.client.workflow.getHandle(workflowId);
    for (let i = 1; i <= 2; i++) assert.equal(await handle.executeUpdate(floorRecordUpdate, { args: ['answer'] }), i);
    assert.equal(count(await history(workflowId), ACTIVITY_SCHEDULED), 0, 'two updates of three: nothing written yet');
    assert.equal(await handle.executeUpdate(floorRecordUpdate, { args: ['answer'] }), 3);
    await eventually('three updates written', () => (rowsOf(workflowId) === 3 * ROWS_PER_UPDATE ? true : undefined));
    assert.equal(count(await history(workflowId), ACTIVITY_SCHEDULED), 1);
    await handle.terminate('test done');
  });
});
