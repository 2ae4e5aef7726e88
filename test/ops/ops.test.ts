// The operations CLI (bin/openclaw-temporal.mjs, as `npx openclaw-temporal` runs it) against a real dev server
// whose gate workflows ran today's code with the real worker: `status` shows the arm, `histories export` writes
// replayable files, and `replay` passes for today's code but fails on a deliberately incompatible change.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { OpsUsageError, parseOpsArgs } from '../../scripts/ops/args.ts';
import type { StatusReport } from '../../scripts/ops/status.ts';
import { gateWorkflowId, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { startLedgerWorker, startTestServer, startWorkers, tempDir, type RunningWorkers } from '../helpers/temporal.ts';
import { incompatibleWorkflows } from './incompatible-workflows.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const ARMED = '+4917012345678';
const IDLE = '+4917099999999';

/** Runs the CLI as a user would, against `address`; resolves with its exit code and output. */
function ops(address: string, args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|NODE_TEST_CONTEXT$|NODE_OPTIONS$)/.test(k)));
  const child = spawn(process.execPath, [join(repo, 'bin', 'openclaw-temporal.mjs'), ...args], {
    cwd: repo,
    env: { ...env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the operations CLI on a server whose workflows ran today’s code', () => {
  let env: TestWorkflowEnvironment;
  let workers: RunningWorkers;
  const tmp = tempDir('openclaw-temporal-ops');

  before(async () => {
    env = await startTestServer();
    workers = await startWorkers(env);
    const bridge = new TemporalBridge({ address: env.address, namespace: 'default' });
    bridge.start();
    try {
      const gate = new GateClient(bridge, new KeyedChain(), { channel: 'whatsapp', taskQueue: 'openclaw-temporal' });
      const config: GateRuntimeConfig = { armTtlMs: 600_000, maxUsesPerArm: 3, missedResponseTtlMs: 900_000, dbPath: join(tmp.dir, 'gate.db') };
      const deadline = () => Date.now() + 15_000;
      const trigger = { messageId: 'ops-1', sender: '+4915112345678', text: 'friday: movie?', body: 'movie?', receivedAt: Date.now(), config };
      await gate.trigger(ARMED, trigger, deadline());
      await gate.decide(ARMED, { decisionId: 'ops-answer-1', content: 'The Third Man', config }, deadline());
      await gate.decide(IDLE, { decisionId: 'ops-uninvited-1', content: 'hi', config }, deadline());
    } finally {
      await bridge.stop();
    }
  });

  after(async () => {
    await workers?.stop();
    await env?.teardown();
    tmp.cleanup();
  });

  test('status lists the open gates with their arm state from the gate state query', async () => {
    const { code, stdout, stderr } = await ops(env.address, ['status']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Gates \(2 open, 1 armed\)$/m);
    assert.match(stdout, new RegExp(`^  ARMED  ${escape(gateWorkflowId('whatsapp', ARMED))}  armed by \\+49…78 for request whatsapp:ops-1: 2 uses left`, 'm'));
    assert.match(stdout, new RegExp(`^  idle   ${escape(gateWorkflowId('whatsapp', IDLE))}  idle`, 'm'));
    assert.match(stdout, /^Orchestrator threads \(0 open\)$/m);
  });

  test('status: one line per plugin, the workers with their versions, the outbox backlog on this host; --json the same', async () => {
    // A gateway state dir whose lorene-gate outbox holds 3 facts, the first delivered (the cursor is past it).
    const stateDir = join(tmp.dir, 'gateway-state');
    const outbox = join(stateDir, 'lorene-gate', 'outbox.jsonl');
    mkdirSync(dirname(outbox), { recursive: true });
    const lines = ['{"seq":1}\n', '{"seq":2}\n', '{"seq":3}\n'];
    writeFileSync(outbox, lines.join(''));
    writeFileSync(`${outbox}.offset`, String(Buffer.byteLength(lines[0]!)));
    const text = await ops(env.address, ['status'], { OPENCLAW_STATE_DIR: stateDir });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ {2}lorene-gate {3}2 gates running, 1 armed, .*dead letters: 0 ledger write\(s\), 0 refused fact\(s\); outbox: 2 waiting \(20 bytes in .*outbox\.jsonl\)$/m);
    assert.match(text.stdout, /^ {2}orchestrator {2}0 threads, 0 subagent tasks, 0 retries \(0 waiting for pickup\), 0 requester records; dead letters: 0 refused fact\(s\); outbox: 0 waiting$/m);
    assert.match(text.stdout, /^ {2}usage-ledger {2}0 ledger workflows; outbox: 0 waiting$/m);
    assert.match(text.stdout, /^ {2}openclaw-temporal \(workflow\) {2}\d+@\S+ openclaw-temporal@\S+ {2}version unversioned/m);
    assert.match(text.stdout, /^ {2}openclaw-temporal-ledger \(activity\) {2}\d+@\S+ {2}version unversioned/m);

    const json = await ops(env.address, ['status', '--json'], { OPENCLAW_STATE_DIR: stateDir });
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as StatusReport & { address: string };
    assert.equal(report.address, env.address);
    assert.deepEqual(report.plugins.find((p) => p.plugin === 'lorene-gate')?.running.gateWorkflow, 2);
    assert.equal(report.gates.filter((g) => g.armed).length, 1);
    assert.deepEqual(report.outboxes.map((o) => [o.plugin, o.pendingEntries]), [['lorene-gate', 2], ['orchestrator', 0], ['usage-ledger', 0]]);
    assert.equal(report.retriesWaiting, 0);
    assert.ok(report.workers.some((w) => w.kind === 'workflow' && w.version === null), JSON.stringify(report.workers));
    assert.throws(() => parseOpsArgs(['replay', '--json'], '/x'), (e: unknown) => e instanceof OpsUsageError && e.argument === '--json');
  });

  test('status --gateway: the pollers of each named host ledger queue (and this host’s OPENCLAW_TEMPORAL_GATEWAY_ID)', async () => {
    const east = await startLedgerWorker(env, 'east');
    try {
      const named = await ops(env.address, ['status', '--gateway', 'east,west']);
      assert.equal(named.code, 0, named.stderr);
      assert.match(named.stdout, /^ {2}openclaw-temporal-ledger\/east \(activity\) {2}ledger-east-\d+ {2}version unversioned/m);
      assert.doesNotMatch(named.stdout, /openclaw-temporal-ledger\/west \(activity\) {2}\S/, 'no worker serves west');
      const own = await ops(env.address, ['status', '--json'], { OPENCLAW_TEMPORAL_GATEWAY_ID: 'east' });
      const report = JSON.parse(own.stdout) as StatusReport;
      assert.ok(report.workers.some((w) => w.taskQueue === 'openclaw-temporal-ledger/east' && w.identity.startsWith('ledger-east-')), JSON.stringify(report.workers));
      const without = await ops(env.address, ['status', '--json']);
      assert.ok(!(JSON.parse(without.stdout) as StatusReport).workers.some((w) => w.taskQueue.includes('/east')), 'hosts are listed only when named');
    } finally {
      await east.stop();
    }
    assert.throws(() => parseOpsArgs(['status', '--gateway', 'east,no way'], '/x'), (e: unknown) => e instanceof OpsUsageError && e.argument === '--gateway');
    assert.throws(() => parseOpsArgs(['replay', '--gateway', 'east'], '/x'), (e: unknown) => e instanceof OpsUsageError && e.argument === '--gateway');
  });

  test('replay-dead-letters with a healthy ledger: nothing to write, exit 0', async () => {
    const { code, stdout, stderr } = await ops(env.address, ['replay-dead-letters']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^no gate has dead-lettered ledger writes$/m);
  });

  test('replay passes when the code is the code that wrote the histories', async () => {
    const { code, stdout, stderr } = await ops(env.address, ['replay']);
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /^replayed [2-9]\d* histories from .*: ([2-9]\d*) ok, 0 non-deterministic, 0 failed$/m);
    assert.match(stdout, /^PASS/m);
  });

  test('replay reports non-determinism and exits 1 for an incompatible change that is not behind patched()', async () => {
    const incompatible = await incompatibleWorkflows();
    try {
      const { code, stdout, stderr } = await ops(env.address, ['replay', '--workflows', incompatible.index]);
      assert.equal(code, 1, `${stdout}\n${stderr}`);
      assert.match(stdout, /: \d+ ok, 2 non-deterministic, 0 failed$/m);
      assert.match(stdout, new RegExp(`✗ non-deterministic: ${escape(gateWorkflowId('whatsapp', ARMED))} \\(run [^)]+\\): Nondeterminism error: `));
      assert.match(stdout, /^FAIL/m);
      assert.doesNotMatch(stdout, /WARN|TMPRL1100\] Nondeterminism error: .*Failure \{/, 'stdout carries the report only, one line per history');
    } finally {
      await incompatible.cleanup();
    }
  });

  test('histories export writes one JSON history per workflow run, in the format of test/histories', async () => {
    const dir = join(tmp.dir, 'export');
    const { code, stdout, stderr } = await ops(env.address, ['histories', 'export', dir]);
    assert.equal(code, 0, stderr);
    const files = (await readdir(dir)).sort();
    assert.match(stdout, new RegExp(`^exported ${files.length} histories`, 'm'));
    const gateFile = files.find((f) => f.startsWith('lorene-gate_whatsapp_+4917012345678__'));
    assert.ok(gateFile, `a file for the armed gate among ${files.join(', ')}`);
    const history = JSON.parse(await readFile(join(dir, gateFile), 'utf8')) as { events: Array<{ eventType: string }> };
    assert.equal(history.events[0]?.eventType, 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
  });

  test('the command line is parsed strictly: unknown commands and options are usage errors naming them', () => {
    assert.deepEqual(parseOpsArgs(['replay', '--since', '2d', '--limit', '5'], '/x'), { command: 'replay', recentMs: 2 * 86_400_000, limit: 5, workflowsPath: null });
    assert.deepEqual(parseOpsArgs(['histories', 'export', 'out'], '/x'), { command: 'export', dir: '/x/out', recentMs: 86_400_000, limit: 1000 });
    assert.throws(() => parseOpsArgs(['replay', '--since', 'yesterday'], '/x'), (e: unknown) => e instanceof OpsUsageError && e.argument === '--since');
    assert.deepEqual(parseOpsArgs(['status'], '/x'), { command: 'status', json: false, gateways: [] });
    assert.deepEqual(parseOpsArgs(['status', '--json', '--gateway', 'east,west'], '/x'), { command: 'status', json: true, gateways: ['east', 'west'] });
    assert.throws(() => parseOpsArgs(['status', '--force'], '/x'), (e: unknown) => e instanceof OpsUsageError && e.argument === '--force');
    assert.throws(() => parseOpsArgs(['deploy'], '/x'), (e: unknown) => e instanceof OpsUsageError && e.argument === 'deploy');
    assert.deepEqual(parseOpsArgs(['replay-dead-letters'], '/x'), { command: 'replay-dead-letters', workflowId: null });
    assert.deepEqual(parseOpsArgs(['replay-dead-letters', 'lorene-gate/whatsapp/+491'], '/x'), { command: 'replay-dead-letters', workflowId: 'lorene-gate/whatsapp/+491' });
    assert.throws(() => parseOpsArgs(['replay-dead-letters', '--limit', '3'], '/x'), (e: unknown) => e instanceof OpsUsageError);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
