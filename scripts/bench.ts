/**
 * `npm run bench`: the latencies the round-1 performance bars talk about, in one run — lorene-gate:
 *   (a) the gate decision through the bridge (`GateClient.decide` → `TemporalBridge`, behind the `KeyedChain`)
 *       against a local dev server and the real worker, on one peer and on many peers concurrently;
 *   (b) the real plugin's `message_sending` handler for an unprotected peer (no Temporal round trip);
 *   (c) the pure `decideOutbound` as the in-process baseline; (d) the trigger signal; orchestrator: the real
 *   `before_tool_call` handler for unbound (local) and bound sessions (query, update) against `decideToolCall`;
 *   usage-ledger: the `llm_output` hook overhead and the ledger ingest rate.
 * The benchmark starts its own dev server (temp SQLite file, free port, headless) and runs the worker as a child
 * process (`node --import tsx worker/main.ts`), so bridge and worker do not share an event loop. It prints a
 * table and the bar's ratios, and overwrites `bench/results.json`. It never fails on a timing: it reports.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchGate, type GateBenchPlan, type GatePhase } from './bench/gate-bench.ts';
import { cpuTimes, idleCpuPerSecond } from './bench/cpu.ts';
import { benchLocal } from './bench/local-bench.ts';
import { benchOrchestrator, type OrchestratorBenchPlan } from './bench/orchestrator-bench.ts';
import { benchUsage, DEFAULT_USAGE_BENCH_PLAN } from './bench/usage.ts';
import { benchBudgetGate } from './bench/budget-bench.ts';
import { formatBar, formatTable, loadAverage, machineInfo, performanceBar, rounded, type OperationResult } from './bench/report.ts';
import { startBenchStack, type BenchStack } from './bench/stack.ts';
import { summarize } from './bench/stats.ts';
import type { Timed } from './bench/timing.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = join(repo, 'bench', 'results.json');
const LOCAL_ITERATIONS = 100_000;
const LOCAL_WARMUP = 20_000;
const LOCAL_ROUNDS = 10;
const plan: GateBenchPlan = { onePeerDecisions: 1000, manyPeerDecisions: 1000, peers: 50, concurrency: 10, warmupDecisions: 50, triggers: 100, decisionTimeoutMs: 3000 };
const orchestratorPlan: OrchestratorBenchPlan = { localIterations: 100_000, boundDecisions: 500 };
const say = (line: string) => process.stdout.write(`${line}\n`);

function result(operation: string, timed: Timed): OperationResult {
  return { operation, ...summarize(timed.samplesNs, timed.wallNs), outcomes: timed.outcomes };
}

function phaseResult(operation: string, phase: GatePhase): OperationResult {
  return { ...result(operation, phase.timed), cpuPerOpMs: phase.cpuPerOpMs };
}

async function run(stackReady: (stack: BenchStack) => void): Promise<void> {
  const started = Date.now();
  const loadBefore = loadAverage();
  say(`openclaw-temporal bench — node ${process.version}, ${machineInfo().cpus} CPUs, load average ${loadBefore.join(' / ')}`);
  say('starting a dev server and the worker child process (bundling takes a while)…');
  const stack = await startBenchStack();
  stackReady(stack);
  say(`dev server ${stack.address} (pid ${stack.serverPid}), worker pid ${stack.workerPid} polling after ${stack.workerReadyMs} ms`);
  let ok = false;
  try {
    const readCpu = () => cpuTimes(stack.serverPid, stack.workerPid);
    const idle = await idleCpuPerSecond(readCpu, 3000);
    say(`idle CPU ms per second: server ${idle.server ?? '?'}, worker ${idle.worker ?? '?'}, bench ${idle.bench}`);
    say(`(b, c) message_sending for an unprotected peer, pure decideOutbound, timer floor: ${LOCAL_ITERATIONS} each in ${LOCAL_ROUNDS} alternating rounds…`);
    const local = await benchLocal(stack.address, LOCAL_ITERATIONS, LOCAL_WARMUP, LOCAL_ROUNDS);
    const unprotected = result('message_sending, unprotected peer', local.unprotected);
    const pure = result('pure decideOutbound (baseline)', local.pure);
    const floor = result('timer floor (empty timed call)', local.floor);
    say(`(a, d) gate decisions: ${plan.onePeerDecisions} on one peer, ${plan.manyPeerDecisions} over ${plan.peers} peers at concurrency ${plan.concurrency}; trigger signals…`);
    const gate = await benchGate(stack.address, join(stack.dir, 'lorene-gate.db'), plan, readCpu);
    const onePeer = phaseResult('gate decision, one peer (sequential)', gate.onePeer);
    const manyPeers = phaseResult(`gate decision, ${plan.peers} peers (concurrency ${plan.concurrency})`, gate.manyPeers);
    const triggers = phaseResult(`trigger signal, ${plan.peers} peers (sequential)`, gate.triggers);
    say(`orchestrator tool decisions: ${orchestratorPlan.localIterations} local and pure, ${orchestratorPlan.boundDecisions} bound (query, update)…`);
    const orch = await benchOrchestrator(stack.address, orchestratorPlan);
    const orchRows = [
      result('orchestrator decision, bound session (update)', orch.boundUpdate),
      result('orchestrator decision, bound session (query)', orch.boundQuery),
      result('orchestrator decision, unbound session (local)', orch.unbound),
      result('pure decideToolCall (baseline)', orch.pure),
    ];
    say(`usage-ledger: ${DEFAULT_USAGE_BENCH_PLAN.hookIterations} llm_output hook calls per payload size, ${DEFAULT_USAGE_BENCH_PLAN.ingestRecords} records ingested…`);
    const usage = await benchUsage(stack.address, stack.dir, DEFAULT_USAGE_BENCH_PLAN);
    const usageRows = [
      result('llm_output hook, typical payload', usage.hook), result('llm_output hook, 20 KB payload', usage.hookLarge),
      result('before_agent_run budget decision (cached state)', benchBudgetGate(LOCAL_ITERATIONS, LOCAL_WARMUP)),
    ];
    const rows = [onePeer, manyPeers, triggers, unprotected, pure, floor, ...orchRows, ...usageRows];
    const bar = performanceBar(onePeer, manyPeers, unprotected, pure, floor);
    const orchestratorBar = {
      boundDecisionP99LimitMs: 50,
      boundDecisionP99Ms: { update: orchRows[0]?.p99Ms, query: orchRows[1]?.p99Ms },
      unboundVsBaselineLimit: 2,
      unboundVsBaseline: { meanRatio: (orchRows[2]?.meanMs ?? 0) / (orchRows[3]?.meanMs ?? 1), p50Ratio: (orchRows[2]?.p50Ms ?? 0) / (orchRows[3]?.p50Ms ?? 1) },
    };
    const loadAfter = loadAverage();
    say(`\n${formatTable(rows)}\n\n${formatBar(bar)}`);
    say(`orchestrator: bound p99 update ${orchestratorBar.boundDecisionP99Ms.update} ms, query ${orchestratorBar.boundDecisionP99Ms.query} ms (bar 50 ms); unbound / pure: mean ${orchestratorBar.unboundVsBaseline.meanRatio.toFixed(2)}×, p50 ${orchestratorBar.unboundVsBaseline.p50Ratio.toFixed(2)}× (bar 2×)`);
    say(`usage-ledger ingest: ${usage.ingest.records} records in ${usage.ingest.wallMs} ms = ${Math.round(usage.ingest.recordsPerSec)} records/s`);
    say(`load average before ${loadBefore.join(' / ')}, after ${loadAfter.join(' / ')}`);
    const report = {
      generatedAt: new Date().toISOString(),
      durationSec: Math.round((Date.now() - started) / 100) / 10,
      machine: machineInfo(),
      loadAverage: { before: loadBefore, after: loadAfter },
      setup: {
        server: 'temporal server start-dev (CLI from the bootstrap), SQLite file in a temp folder, headless, on a free port',
        worker: 'child process: node --import tsx worker/main.ts (the deployable worker, ledger activities included)',
        bridge: 'GateClient + TemporalBridge + KeyedChain in the bench process, as lorene-gate wires them',
        plan,
        localIterations: LOCAL_ITERATIONS,
        localWarmup: LOCAL_WARMUP,
        localRounds: LOCAL_ROUNDS,
        timer: 'process.hrtime.bigint() per call; percentiles nearest-rank; cpuPerOpMs from /proc (user+system ms per operation)',
      },
      idleCpuMsPerSecond: idle,
      operations: rows.map(rounded),
      bar,
      orchestratorBar,
      usageIngest: usage.ingest,
    };
    writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    say(`written ${resultsFile}`);
    ok = true;
  } finally {
    await stack.stop(ok);
    if (!ok) say(`the stack's logs are kept in ${stack.dir}`);
  }
}

/** Runs the benchmark; Ctrl-C stops the server and the worker before exiting. */
function main(): Promise<void> {
  let stack: BenchStack | null = null;
  process.once('SIGINT', () => {
    say('interrupted: stopping the dev server and the worker');
    void (stack?.stop(false) ?? Promise.resolve()).finally(() => process.exit(130));
  });
  return run((s) => (stack = s));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
