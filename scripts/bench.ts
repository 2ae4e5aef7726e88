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
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchGate, type GateBenchPlan, type GateBenchResult, type GatePhase } from './bench/gate-bench.ts';
import { benchCodecOnOff, formatCodecComparison, type CodecComparison } from './bench/codec-bench.ts';
import { cpuTimes, idleCpuPerSecond, type CpuTimes } from './bench/cpu.ts';
import { benchLocal } from './bench/local-bench.ts';
import { benchOrchestrator, type OrchestratorBenchPlan, type OrchestratorBenchResult } from './bench/orchestrator-bench.ts';
import { benchUsage, DEFAULT_USAGE_BENCH_PLAN } from './bench/usage.ts';
import { benchBudgetGate } from './bench/budget-bench.ts';
import { formatBar, formatTable, loadAverage, machineInfo, performanceBar, rounded, type OperationResult } from './bench/report.ts';
import { startBenchStack, type BenchStack } from './bench/stack.ts';
import { parseSqliteDurability } from '../worker/sqlite-durability.ts';
import { benchOverload, formatOverload, type OverloadResult } from './bench/overload-bench.ts';
import { benchTarget } from './bench/target.ts';
import { benchFloor, type FloorPlan, type FloorResult } from './bench/floor-bench.ts';
import { acrossRounds, floorComparisons, formatComparisons, formatRounds, median, type FloorComparison, type RoundsRow } from './bench/floor-ratios.ts';
import { summarize } from './bench/stats.ts';
import { benchWorstCas } from './bench/worst-cas.ts';
import { peerName } from './bench/gate-bench.ts';
import { benchSeenSignals } from './bench/seen-signals.ts';
import type { Timed } from './bench/timing.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = join(repo, 'bench', 'results.json');
const LOCAL_ITERATIONS = 100_000;
const LOCAL_WARMUP = 20_000;
const LOCAL_ROUNDS = 10;
const plan: GateBenchPlan = { onePeerDecisions: 1000, manyPeerDecisions: 2000, peers: 50, concurrency: 10, warmupDecisions: 50, triggers: 100, triggerPaceMs: 50, decisionTimeoutMs: 3000 };
const orchestratorPlan: OrchestratorBenchPlan = { localIterations: 100_000, boundDecisions: 500 };
const say = (line: string) => process.stdout.write(`${line}\n`);
const OVERLOAD_PHASE_MS = 10_000;
/** `--gate-only[=file]`: the floor, the gate and the bound orchestrator update only, printed (and written to `file`). */
const gateOnlyArg = process.argv.find((a) => a.startsWith('--gate-only'));
const gateOnly = gateOnlyArg !== undefined;
const floorPlan: FloorPlan = { sequential: plan.onePeerDecisions, parallel: plan.manyPeerDecisions, peers: plan.peers, concurrency: plan.concurrency, signals: plan.triggers, signalPaceMs: plan.triggerPaceMs, warmup: plan.warmupDecisions };

/** The floor (issue 14), on the same server as the gate: a minimal update and signal-with-start. */
async function measureFloor(stack: BenchStack): Promise<FloorResult> {
  say(`floor: ${floorPlan.sequential} minimal updates on one workflow, ${floorPlan.parallel} over ${floorPlan.peers} workflows at concurrency ${floorPlan.concurrency} (plain, then with a ledger share), ${floorPlan.signals} signal-with-start back to back, as many plain signals one every ${floorPlan.signalPaceMs} ms…`);
  return benchFloor(stack.address, stack.dir, floorPlan, (pid) => cpuTimes(stack.serverPid, pid));
}

/**
 * `--rounds=N` (default 3): the floor and the gate are measured N times in one run, the order alternating (floor
 * first in odd rounds, the gate first in even ones), and every ratio is reported per round and as the median over
 * the rounds. One round's ratio moves with whatever else the shared machine did during its minutes; the median of
 * rounds that alternate order does much less.
 */
const roundsArg = process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1];
const roundCount = roundsArg === undefined ? 3 : Number(roundsArg);
if (!Number.isInteger(roundCount) || roundCount < 1 || roundCount > 20) throw new Error(`--rounds must be a whole number from 1 to 20 (not ${roundsArg})`);

/** One round: the floor, the gate and the bound orchestrator update, and every decision row as a ratio to its floor. */
interface Round {
  readonly floor: FloorResult;
  readonly gate: GateBenchResult;
  readonly orchestrator: OrchestratorBenchResult;
  readonly againstFloor: FloorComparison[];
}

/** The rounds, printed as they end, then the medians. */
async function measureRounds(stack: BenchStack, readCpu: () => CpuTimes): Promise<{ rounds: Round[]; medians: RoundsRow[] }> {
  const rounds: Round[] = [];
  for (let round = 0; round < roundCount; round++) {
    const gateFirst = round % 2 === 1;
    say(`\nround ${round + 1} of ${roundCount} (${gateFirst ? 'the gate first' : 'the floor first'})`);
    const measureGate = async () => {
      say(`gate: ${plan.onePeerDecisions} decisions on one peer, ${plan.manyPeerDecisions} over ${plan.peers} peers at concurrency ${plan.concurrency}, ${plan.triggers} triggers back to back and one every ${plan.triggerPaceMs} ms; ${orchestratorPlan.boundDecisions} bound orchestrator decisions…`);
      const gate = await benchGate(stack.address, join(stack.dir, 'lorene-gate.db'), plan, readCpu, round);
      return { gate, orchestrator: await benchOrchestrator(stack.address, orchestratorPlan, round) };
    };
    const early = gateFirst ? await measureGate() : null;
    const floor = await measureFloor(stack);
    const { gate, orchestrator } = early ?? (await measureGate());
    const againstFloor = await floorComparisons(stack.address, gate, plan.peers, floor, orchestrator.boundUpdate, plan.triggerPaceMs);
    say(`ratios to the floor, round ${round + 1}:\n${formatComparisons(againstFloor)}`);
    rounds.push({ floor, gate, orchestrator, againstFloor });
  }
  const medians = acrossRounds(rounds.map((r) => r.againstFloor));
  say(`\nratios to the floor (same server, same run), median over ${roundCount} round(s):\n${formatRounds(medians)}`);
  return { rounds, medians };
}

/** The many-peer capacity the overload phases are scaled to: the median of the rounds' 50-peer throughputs. */
function manyPeerCapacity(rounds: readonly Round[]): number {
  return median(rounds.map((r) => summarize(r.gate.manyPeers.timed.samplesNs, r.gate.manyPeers.timed.wallNs).throughputPerSec));
}

/**
 * `--only worst-cas [--label=<name>]`: the floor's sequential row and the worst gate decision on one peer through
 * its continue-as-new runs (bench/worst-cas.ts) only; written to `worstDecisionAtContinueAsNew.<name>` (default
 * `latest`) in bench/results.json, the rest of the file kept. `--only seen-signals [--label=<name>]`: seen-messages
 * signals per 100 inbound messages (bench/seen-signals.ts), to `seenSignalsPer100Messages.<name>`.
 */
const onlyArg = process.argv.find((a, i) => a.startsWith('--only=') || process.argv[i - 1] === '--only');
const only = onlyArg?.replace(/^--only=/, '');
if (only !== undefined && only !== 'worst-cas' && only !== 'seen-signals') throw new Error(`--only knows worst-cas and seen-signals (not ${only})`);
const label = process.argv.find((a) => a.startsWith('--label='))?.split('=')[1] ?? 'latest';

/** The worst-decision row alone: floor (sequential) and the one-peer decisions, merged into results.json. */
async function worstCasOnly(stack: BenchStack): Promise<void> {
  say(`floor: ${floorPlan.sequential} minimal updates on one workflow (the worst-decision row's floor)…`);
  const floor = await benchFloor(stack.address, stack.dir, { ...floorPlan, parallel: 10, peers: 2, concurrency: 2, signals: 5 }, (pid) => cpuTimes(stack.serverPid, pid));
  const floorRow = floorFigures(floor).sequential;
  const floorMaxMs = Math.round(summarize(floor.sequential.timed.samplesNs, floor.sequential.timed.wallNs).maxMs * 10) / 10;
  say(`worst gate decision: ${plan.onePeerDecisions} decisions on one peer, through its continue-as-new runs…`);
  const dbPath = join(stack.dir, 'lorene-gate.db');
  const ours = await benchWorstCas(stack.address, dbPath, { peer: peerName(0), decisions: plan.onePeerDecisions, warmup: plan.warmupDecisions, lanes: 1 });
  say('the same gate decided by 4 bridges at once, history bound 60 events (a continue-as-new every few decisions)…');
  const overlapping = await benchWorstCas(stack.address, dbPath, { peer: peerName(1), decisions: 400, warmup: 10, lanes: 4, maxHistoryEvents: 60 });
  const row = { generatedAt: new Date().toISOString(), sqliteDurability, loadAverage: loadAverage(), ours, overlapping, floor: { p50Ms: floorRow.p50Ms, p99Ms: floorRow.p99Ms, maxMs: floorMaxMs } };
  say(JSON.stringify(row, null, 2));
  mergeResult('worstDecisionAtContinueAsNew', row);
}

/** Writes `row` under `key.<label>` in bench/results.json, keeping the rest of the file. */
function mergeResult(key: string, row: object): void {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>;
  const rows = (results[key] ?? {}) as Record<string, unknown>;
  writeFileSync(resultsFile, `${JSON.stringify({ ...results, [key]: { ...rows, [label]: row } }, null, 2)}\n`);
  say(`written ${key}.${label} in ${resultsFile}`);
}

/** Seen-messages signals per 100 inbound messages, a burst and a steady stream, merged into results.json. */
async function seenSignalsOnly(stack: BenchStack): Promise<void> {
  say('seen-messages signals: 100 inbound messages at once, then 100 one every 5 ms, through the fact outbox…');
  const seen = await benchSeenSignals(stack.address, join(stack.dir, 'lorene-gate.db'));
  const row = { generatedAt: new Date().toISOString(), loadAverage: loadAverage(), ...seen };
  say(JSON.stringify(row, null, 2));
  mergeResult('seenSignalsPer100Messages', row);
}

/** The embedded server's storage, as `npm start` reads it. */
const sqliteDurability = parseSqliteDurability(process.env.OPENCLAW_TEMPORAL_SQLITE_DURABILITY) ?? 'crash-safe';
/** `--floor-only[=file]`: the floor rows only (to compare storage settings), printed (and written to `file`). */
const floorOnlyArg = process.argv.find((a) => a.startsWith('--floor-only'));

/** The floor's rows as figures (p50, p99, throughput, server CPU per operation). */
function floorFigures(floor: FloorResult) {
  const row = (p: FloorResult['sequential']) => {
    const s = summarize(p.timed.samplesNs, p.timed.wallNs);
    return { p50Ms: Math.round(s.p50Ms * 1000) / 1000, p99Ms: Math.round(s.p99Ms * 1000) / 1000, throughputPerSec: Math.round(s.throughputPerSec * 10) / 10, serverCpuMsPerOp: p.cpuPerOpMs.server, outcomes: p.timed.outcomes };
  };
  return { sequential: row(floor.sequential), parallel: row(floor.parallel), signalWithStart: row(floor.signalWithStart) };
}

/** Open-loop decisions at 80 %, 2× and 50 % of the many-peer capacity just measured (issue 14, item 4). */
async function measureOverload(stack: BenchStack, capacity: number): Promise<OverloadResult> {
  say(`overload: open-loop decisions at 80 %, 200 % and 50 % of ${capacity.toFixed(1)}/s, ${OVERLOAD_PHASE_MS / 1000} s each…`);
  const config = { armTtlMs: 600_000, maxUsesPerArm: 1000, missedResponseTtlMs: 1_200_000, dbPath: join(stack.dir, 'lorene-gate.db') };
  const result = await benchOverload(stack.address, config, plan.peers, capacity, OVERLOAD_PHASE_MS, plan.decisionTimeoutMs);
  say(formatOverload(result));
  return result;
}

/** `uptime` as it prints (the machine is shared: the load is part of every figure). */
function uptime(): string {
  return readFileSync('/proc/loadavg', 'utf8').trim();
}

function result(operation: string, timed: Timed): OperationResult {
  return { operation, ...summarize(timed.samplesNs, timed.wallNs), outcomes: timed.outcomes };
}

function phaseResult(operation: string, phase: GatePhase): OperationResult {
  return { ...result(operation, phase.timed), cpuPerOpMs: phase.cpuPerOpMs };
}

/**
 * The codec's cost (issue 18): gate decisions on this stack (codec on) and on a codec-off stack, alternating
 * rounds in this run. Skipped (null) when the whole bench runs with the codec off.
 */
async function codecRows(stack: BenchStack): Promise<{ rows: OperationResult[]; comparison: CodecComparison | null }> {
  if (process.env.OPENCLAW_TEMPORAL_CODEC === 'off') return { rows: [], comparison: null };
  say('gate decisions, codec on vs off: a second stack with the codec off, alternating sequential rounds…');
  const comparison = await benchCodecOnOff(stack.address, join(stack.dir, 'lorene-gate.db'), sqliteDurability);
  say(formatCodecComparison(comparison));
  const row = (side: 'on' | 'off') => ({ operation: `gate decision, codec ${side} (alternating rounds)`, ...comparison[side], outcomes: comparison.outcomes[side] });
  return { rows: [row('on'), row('off')], comparison };
}

async function run(stackReady: (stack: BenchStack) => void): Promise<void> {
  const started = Date.now();
  const loadBefore = loadAverage();
  say(`openclaw-temporal bench — node ${process.version}, ${machineInfo().cpus} CPUs, load average ${loadBefore.join(' / ')}`);
  const server = benchTarget() === 'dev' ? 'dev server' : 'Temporal cluster (PostgreSQL)';
  say(`starting a ${server} and the worker child process (bundling takes a while)…`);
  const stack = await startBenchStack(sqliteDurability);
  if (benchTarget() === 'dev') say(`embedded server storage: ${sqliteDurability} (OPENCLAW_TEMPORAL_SQLITE_DURABILITY)`);
  stackReady(stack);
  say(`${server} ${stack.address} (pid ${stack.serverPid}), worker pid ${stack.workerPid} polling after ${stack.workerReadyMs} ms`);
  let ok = false;
  try {
    const readCpu = () => cpuTimes(stack.serverPid, stack.workerPid);
    const idle = await idleCpuPerSecond(readCpu, 3000);
    say(`idle CPU ms per second: server ${idle.server ?? '?'}, worker ${idle.worker ?? '?'}, bench ${idle.bench}`);
    if (only !== undefined) {
      await (only === 'worst-cas' ? worstCasOnly(stack) : seenSignalsOnly(stack));
      ok = true;
      return;
    }
    if (floorOnlyArg !== undefined) {
      const temporalFloor = await measureFloor(stack);
      const figures = { generatedAt: new Date().toISOString(), sqliteDurability, loadAverage: { before: loadBefore, after: loadAverage() }, floor: floorFigures(temporalFloor) };
      say(JSON.stringify(figures, null, 2));
      const out = floorOnlyArg.split('=')[1];
      if (out !== undefined) writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
      ok = true;
      return;
    }
    const { rounds, medians } = await measureRounds(stack, readCpu);
    const againstFloorRounds = rounds.map((r) => r.againstFloor);
    const last = rounds.at(-1) as Round;
    if (gateOnly) {
      const overload = await measureOverload(stack, manyPeerCapacity(rounds));
      say(`loadavg before ${loadBefore.join(' / ')}, now ${uptime()}`);
      const out = gateOnlyArg?.split('=')[1];
      if (out !== undefined) writeFileSync(out, `${JSON.stringify({ generatedAt: new Date().toISOString(), sqliteDurability, loadAverage: { before: loadBefore, after: loadAverage() }, againstFloorMedian: medians, againstFloorRounds, overload }, null, 2)}\n`);
      ok = true;
      return;
    }
    say(`(b, c) message_sending for an unprotected peer, pure decideOutbound, timer floor: ${LOCAL_ITERATIONS} each in ${LOCAL_ROUNDS} alternating rounds…`);
    const local = await benchLocal(stack.address, LOCAL_ITERATIONS, LOCAL_WARMUP, LOCAL_ROUNDS);
    const unprotected = result('message_sending, unprotected peer', local.unprotected);
    const pure = result('pure decideOutbound (baseline)', local.pure);
    const floor = result('timer floor (empty timed call)', local.floor);
    // The gate's and the orchestrator's table rows are the last round's.
    const gate = last.gate;
    const onePeer = phaseResult('gate decision, one peer (sequential)', gate.onePeer);
    const manyPeers = phaseResult(`gate decision, ${plan.peers} peers (concurrency ${plan.concurrency})`, gate.manyPeers);
    const triggers = phaseResult(`trigger signal, ${plan.peers} peers (sequential)`, gate.triggers);
    const codec = await codecRows(stack);
    const orch = last.orchestrator;
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
    const rows = [onePeer, manyPeers, triggers, ...codec.rows, unprotected, pure, floor, ...orchRows, ...usageRows];
    const bar = performanceBar(onePeer, manyPeers, unprotected, pure, floor);
    const orchestratorBar = {
      boundDecisionP99LimitMs: 50,
      boundDecisionP99Ms: { update: orchRows[0]?.p99Ms, query: orchRows[1]?.p99Ms },
      unboundVsBaselineLimit: 2,
      unboundVsBaseline: { meanRatio: (orchRows[2]?.meanMs ?? 0) / (orchRows[3]?.meanMs ?? 1), p50Ratio: (orchRows[2]?.p50Ms ?? 0) / (orchRows[3]?.p50Ms ?? 1) },
    };
    const overload = await measureOverload(stack, manyPeerCapacity(rounds));
    const loadAfter = loadAverage();
    say(`\n${formatTable(rows)}\n\n${formatBar(bar)}`);
    say(`orchestrator: bound p99 update ${orchestratorBar.boundDecisionP99Ms.update} ms, query ${orchestratorBar.boundDecisionP99Ms.query} ms (bar 50 ms); unbound / pure: mean ${orchestratorBar.unboundVsBaseline.meanRatio.toFixed(2)}×, p50 ${orchestratorBar.unboundVsBaseline.p50Ratio.toFixed(2)}× (bar 2×)`);
    say(`usage-ledger ingest: ${usage.ingest.records} records in ${usage.ingest.wallMs} ms = ${Math.round(usage.ingest.recordsPerSec)} records/s`);
    if (codec.comparison !== null) say(formatCodecComparison(codec.comparison));
    say(`load average before ${loadBefore.join(' / ')}, after ${loadAfter.join(' / ')} (loadavg ${uptime()})`);
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
        sqliteDurability,
        localIterations: LOCAL_ITERATIONS,
        localWarmup: LOCAL_WARMUP,
        localRounds: LOCAL_ROUNDS,
        timer: 'process.hrtime.bigint() per call; percentiles nearest-rank; cpuPerOpMs from /proc (user+system ms per operation)',
      },
      idleCpuMsPerSecond: idle,
      operations: rows.map(rounded),
      bar,
      orchestratorBar,
      againstFloorMedian: medians,
      againstFloorRounds,
      overload,
      usageIngest: usage.ingest,
      codecBar: codec.comparison,
    };
    writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    say(`written ${resultsFile}`);
    ok = true;
  } finally {
    await stack.stop(ok);
    if (!ok) say(`the stack's logs are kept in ${stack.dir}`);
  }
}

/** `--budget-only[=file]`: the usage budget's `before_agent_run` decision from its cached state — no server needed. */
const budgetOnlyArg = process.argv.find((a) => a.startsWith('--budget-only'));

/** The budget decision alone, as the full run measures it (issue 17): printed, and written to `file`. */
function runBudgetOnly(arg: string): void {
  const loadBefore = loadAverage();
  const row = result('before_agent_run budget decision (cached state)', benchBudgetGate(LOCAL_ITERATIONS, LOCAL_WARMUP));
  say(formatTable([row]));
  const out = arg.split('=')[1];
  const figures = { generatedAt: new Date().toISOString(), node: process.version, loadAverage: { before: loadBefore, after: loadAverage() }, budgetDecision: rounded(row) };
  if (out !== undefined) writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
}

/** Runs the benchmark; Ctrl-C stops the server and the worker before exiting. */
function main(): Promise<void> {
  if (budgetOnlyArg !== undefined) return Promise.resolve(runBudgetOnly(budgetOnlyArg));
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
