/**
 * The usage ledger's acceptance test, by breaking things: 10 000 `llm_output` events through OpenClaw's real
 * loader and hook runner (Node 24 host, the real usage-ledger plugin and its delivery service), a real Temporal
 * dev server on a database file that is stopped for part of the run and restarted, and the deployable worker as a
 * child process that is SIGKILLed once and restarted. The ledger must end with exactly 10 000 rows, none twice.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { usageLedgerStateQuery, usageLedgerWorkflowId } from '../../workflows/usage/contract.ts';
import { startOpenClawHost, type OpenClawHost } from '../openclaw/host-client.ts';
import { startDurableStack, type DurableStack } from '../helpers/durable-stack.ts';
import { readValue } from '../helpers/sqlite.ts';
import { eventually, tempDir } from '../helpers/temporal.ts';

const TOTAL = 10_000;
const CHUNK = 1000;
const pluginDir = fileURLToPath(new URL('../../plugin-bridge/usage-ledger/', import.meta.url));
const template = JSON.parse(readFileSync(new URL('../fixtures/usage/openclaw-llm-output.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const agent = { agentId: 'main', sessionKey: 'agent:main:main' };

const tmp = tempDir('usage-durability');
const dbPath = join(tmp.dir, 'usage-ledger.db');
const stateDir = join(tmp.dir, 'gateway-state');
const outboxFile = join(stateDir, 'usage-ledger', 'outbox.jsonl');
let stack: DurableStack | undefined;
let host: OpenClawHost;

const ledger = <T>(sql: string): T => (existsSync(dbPath) ? readValue<T>(dbPath, sql) : 0) as T;
const rows = () => ledger<number>('SELECT COUNT(*) FROM llm_usage_events');

before(async () => {
  stack = await startDurableStack(tmp.dir);
  host = await startOpenClawHost();
  const loaded = await host.load({
    pluginDir,
    pluginId: 'usage-ledger',
    pluginConfig: { temporalAddress: stack.address, dbPath, sendTimeoutMs: 2000, retryIntervalMs: 500 },
  });
  assert.equal(loaded.status, 'loaded', loaded.error ?? '');
  await host.startServices({ stateDir });
});

after(async () => {
  await host?.close();
  await stack?.close();
  tmp.cleanup();
});

describe('usage ledger durability (OpenClaw host, real server, worker process)', () => {
  test(`${TOTAL} usage events through OpenClaw's real hook runner with the dev server stopped for part of the run and the worker killed once: exactly ${TOTAL} rows, none twice`, async (t) => {
    const running = stack!;
    const started = Date.now();
    let hookMs = 0;
    let maxCallMs = 0;
    const fire = async (chunk: number) => {
      const result = await host.fireLlmOutputs({ template, ctx: agent, count: CHUNK, startIndex: chunk * CHUNK, runIdPrefix: 'dur-' });
      assert.deepEqual(result.failures, []);
      hookMs += result.ms;
      maxCallMs = Math.max(maxCallMs, result.maxCallMs);
    };

    await fire(0);
    await fire(1);
    await eventually('rows arrive while everything runs', () => (rows() >= CHUNK ? true : undefined), 60_000);

    await running.stopServer();
    const rowsAtStop = rows();
    t.diagnostic(`dev server stopped with ${rowsAtStop} rows written`);
    for (const chunk of [2, 3, 4]) await fire(chunk);
    await eventually('records wait in the outbox file', () => (existsSync(outboxFile) ? true : undefined), 30_000);
    t.diagnostic(`fired ${3 * CHUNK} events with the server down; outbox ${readFileSync(outboxFile).length} bytes`);
    await running.startServer();
    t.diagnostic('dev server restarted on the same database file and port');

    await fire(5);
    await fire(6);
    // Kill the worker mid-ingest: once the outbox is flowing again, while records still wait in workflow and outbox.
    await eventually('ingest resumes after the restart', () => (rows() > rowsAtStop ? true : undefined), 90_000);
    const killed = running.worker;
    assert.equal(await running.killWorker(), 'SIGKILL');
    t.diagnostic(`worker ${killed?.pid} killed (SIGKILL) with ${rows()} rows written`);
    await fire(7);
    await fire(8);
    t.diagnostic(`a new worker polls after ${await running.startWorker()} ms`);
    await fire(9);

    await eventually(`${TOTAL} rows`, () => (rows() >= TOTAL ? true : undefined), 240_000);
    await new Promise((r) => setTimeout(r, 2000)); // anything still in flight would show up as a row too many
    assert.equal(rows(), TOTAL);
    assert.equal(ledger<number>('SELECT COUNT(DISTINCT event_id) FROM llm_usage_events'), TOTAL);
    assert.equal(ledger<number>("SELECT COUNT(DISTINCT request_id) FROM llm_usage_events WHERE request_id LIKE 'dur-%'"), TOTAL);
    assert.equal(ledger<number>('SELECT COUNT(*) FROM (SELECT request_id FROM llm_usage_events GROUP BY request_id HAVING COUNT(*) > 1)'), 0);
    assert.equal(ledger<number>('SELECT SUM(total_tokens) FROM llm_usage_events'), TOTAL * 36115);
    await eventually('the outbox is delivered and removed', () => (existsSync(outboxFile) ? undefined : true), 30_000);

    const state = await eventually('ledger state', () => running.client.workflow.getHandle(usageLedgerWorkflowId('main')).query(usageLedgerStateQuery), 30_000);
    let runs = 0;
    for await (const _run of running.client.workflow.list({ query: `WorkflowId = "${usageLedgerWorkflowId('main')}"` })) runs += 1;
    t.diagnostic(`${TOTAL} rows after ${Date.now() - started} ms; hook calls took ${hookMs} ms in all (${((hookMs * 1000) / TOTAL).toFixed(1)} µs each incl. the runner, slowest ${maxCallMs} ms)`);
    t.diagnostic(`workflow: ${state.counters.written} written, ${state.counters.duplicates} duplicates dropped, ${state.counters.alreadyInLedger} already in the ledger, ${state.counters.batches} batches over ${runs} runs`);
    // A batch written by an activity attempt whose completion was lost with the worker is retried: its rows are then
    // "already in the ledger", not new. Either way each record reached the ledger exactly once.
    assert.equal(state.counters.written + state.counters.alreadyInLedger, state.counters.received);
    assert.ok(state.counters.written <= TOTAL);
    assert.deepEqual(await host.unhandled(), []);
  });
});
