/**
 * What a benchmark run prints and stores: a table per operation, the two ratios of the round-1
 * performance bar (gate decision p99 vs 50 ms; unprotected path vs the pure baseline vs 2×), and the machine
 * the figures came from — on a shared 2-core machine the load average is part of the result.
 */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { CpuTimes } from './cpu.ts';
import type { LatencySummary } from './stats.ts';

/** One row of the table / one entry of results.json. */
export interface OperationResult extends LatencySummary {
  readonly operation: string;
  readonly outcomes: Readonly<Record<string, number>>;
  /** CPU ms per operation of the server, worker and bench processes (Temporal operations only). */
  readonly cpuPerOpMs?: CpuTimes;
}

/** The machine and its load at a moment. */
export interface MachineInfo {
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemMb: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return { node: process.version, platform: `${platform()} ${release()}`, cpus: list.length, cpuModel: list[0]?.model ?? 'unknown', totalMemMb: Math.round(totalmem() / 2 ** 20) };
}

/** The 1, 5 and 15 minute load averages, rounded to two decimals. */
export function loadAverage(): number[] {
  return loadavg().map((v) => Math.round(v * 100) / 100);
}

/** The bar, computed (never asserted: a benchmark reports, the reader judges). */
export interface PerformanceBar {
  readonly gateDecisionP99LimitMs: number;
  readonly gateDecisionP99Ms: { readonly onePeer: number; readonly manyPeers: number };
  readonly gateDecisionWithinBar: boolean;
  readonly unprotectedVsBaselineLimit: number;
  readonly unprotectedVsBaseline: { readonly meanRatio: number; readonly p50Ratio: number };
  /** The same ratios with the timer floor (an empty timed call) taken off both sides; noisy at this scale. */
  readonly unprotectedVsBaselineNetOfTimer: { readonly meanRatio: number; readonly p50Ratio: number };
  readonly unprotectedWithinBar: boolean;
}

/** `floor` is an empty timed call: what hrtime adds to each local sample. */
export function performanceBar(onePeer: LatencySummary, manyPeers: LatencySummary, unprotected: LatencySummary, baseline: LatencySummary, floor: LatencySummary): PerformanceBar {
  const meanRatio = unprotected.meanMs / baseline.meanMs;
  const p50Ratio = unprotected.p50Ms / baseline.p50Ms;
  const net = (a: number, b: number, f: number) => round((a - f) / Math.max(b - f, Number.EPSILON), 3);
  return {
    gateDecisionP99LimitMs: 50,
    gateDecisionP99Ms: { onePeer: onePeer.p99Ms, manyPeers: manyPeers.p99Ms },
    gateDecisionWithinBar: Math.max(onePeer.p99Ms, manyPeers.p99Ms) <= 50,
    unprotectedVsBaselineLimit: 2,
    unprotectedVsBaseline: { meanRatio: round(meanRatio, 3), p50Ratio: round(p50Ratio, 3) },
    unprotectedVsBaselineNetOfTimer: { meanRatio: net(unprotected.meanMs, baseline.meanMs, floor.meanMs), p50Ratio: net(unprotected.p50Ms, baseline.p50Ms, floor.p50Ms) },
    unprotectedWithinBar: Math.max(meanRatio, p50Ratio) <= 2,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Latencies rounded to the nanosecond for the JSON file. */
export function rounded(result: OperationResult): OperationResult {
  const ms = (v: number) => round(v, 6);
  return {
    ...result,
    minMs: ms(result.minMs), p50Ms: ms(result.p50Ms), p95Ms: ms(result.p95Ms), p99Ms: ms(result.p99Ms),
    maxMs: ms(result.maxMs), meanMs: ms(result.meanMs), throughputPerSec: round(result.throughputPerSec, 1),
  };
}

/** A fixed-width text table: latencies in ms with 0.1 µs resolution, throughput per second, outcomes. */
export function formatTable(rows: readonly OperationResult[]): string {
  const header = ['operation', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'mean ms', 'ops/s', 'cpu ms/op srv/wrk/bench', 'outcomes'];
  const cpu = (c: CpuTimes | undefined) => (c === undefined ? '-' : [c.server, c.worker, c.bench].map((v) => (v === null ? '?' : v.toFixed(2))).join(' / '));
  const body = rows.map((r) => [
    r.operation, String(r.n), ...[r.p50Ms, r.p95Ms, r.p99Ms, r.maxMs, r.meanMs].map((v) => v.toFixed(4)),
    r.throughputPerSec.toFixed(0), cpu(r.cpuPerOpMs), Object.entries(r.outcomes).map(([k, v]) => `${k} ${v}`).join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The bar as two readable lines. */
export function formatBar(bar: PerformanceBar): string {
  const p99 = bar.gateDecisionP99Ms;
  const { meanRatio, p50Ratio } = bar.unprotectedVsBaseline;
  const net = bar.unprotectedVsBaselineNetOfTimer;
  return [
    `gate decision p99: one peer ${p99.onePeer.toFixed(3)} ms, many peers ${p99.manyPeers.toFixed(3)} ms (bar ≤ ${bar.gateDecisionP99LimitMs} ms: ${bar.gateDecisionWithinBar ? 'within' : 'OVER'})`,
    `unprotected path / pure baseline: mean ${meanRatio.toFixed(2)}×, p50 ${p50Ratio.toFixed(2)}× (bar ≤ ${bar.unprotectedVsBaselineLimit}×: ${bar.unprotectedWithinBar ? 'within' : 'OVER'}); net of the timer floor: mean ${net.meanRatio.toFixed(2)}×, p50 ${net.p50Ratio.toFixed(2)}×`,
  ].join('\n');
}
