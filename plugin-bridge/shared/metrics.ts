/**
 * The gateway side's metrics: what the bridge saw of each decision (outcome, latency including every wait in the
 * gateway), fail-closed answers and the outbox backlog, in the Prometheus text format. The worker's metrics come
 * from the SDK runtime; these can only be measured in the gateway, so they have their own small endpoint
 * (`metrics-endpoint.ts`, off by default). One registry per process, shared by every plugin the gateway loaded
 * (each plugin gets its own copy of this module, hence the global symbol).
 */

type Labels = Readonly<Record<string, string>>;

/** Decision latency buckets, in seconds: the gate's default bound is 3 s and OpenClaw's hook budget 5 s. */
export const DECISION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface HistogramCell {
  readonly counts: number[];
  sum: number;
  count: number;
}

/** A gauge read at scrape time (e.g. the outbox's pending bytes); null leaves it out. */
export type GaugeReader = () => number | null | Promise<number | null>;

const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (labels: Labels, extra: Labels = {}) => {
  const all = Object.entries({ ...labels, ...extra });
  return all.length === 0 ? '' : `{${all.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
};

/** Counters, histograms and scrape-time gauges; `render()` gives the exposition text. */
export class MetricsRegistry {
  readonly #help = new Map<string, { type: 'counter' | 'histogram' | 'gauge'; help: string }>();
  readonly #counters = new Map<string, Map<string, { labels: Labels; value: number }>>();
  readonly #histograms = new Map<string, { buckets: readonly number[]; cells: Map<string, { labels: Labels; cell: HistogramCell }> }>();
  readonly #gauges = new Map<string, Map<string, { labels: Labels; read: GaugeReader }>>();

  /** Adds `by` to the counter `name` with `labels`. */
  inc(name: string, help: string, labels: Labels, by = 1): void {
    this.#help.set(name, { type: 'counter', help });
    const series = this.#counters.get(name) ?? new Map<string, { labels: Labels; value: number }>();
    this.#counters.set(name, series);
    const entry = series.get(key(labels)) ?? { labels, value: 0 };
    entry.value += by;
    series.set(key(labels), entry);
  }

  /** Records `value` in the histogram `name`. */
  observe(name: string, help: string, labels: Labels, value: number, buckets: readonly number[] = DECISION_BUCKETS): void {
    this.#help.set(name, { type: 'histogram', help });
    const histogram = this.#histograms.get(name) ?? { buckets, cells: new Map() };
    this.#histograms.set(name, histogram);
    const entry = histogram.cells.get(key(labels)) ?? { labels, cell: { counts: histogram.buckets.map(() => 0), sum: 0, count: 0 } };
    histogram.cells.set(key(labels), entry);
    histogram.buckets.forEach((bound, i) => {
      if (value <= bound) entry.cell.counts[i]! += 1;
    });
    entry.cell.sum += value;
    entry.cell.count += 1;
  }

  /** Registers a gauge read at every scrape; the returned function removes it. */
  gauge(name: string, help: string, labels: Labels, read: GaugeReader): () => void {
    this.#help.set(name, { type: 'gauge', help });
    const series = this.#gauges.get(name) ?? new Map<string, { labels: Labels; read: GaugeReader }>();
    this.#gauges.set(name, series);
    series.set(key(labels), { labels, read });
    return () => void series.delete(key(labels));
  }

  /** The Prometheus text exposition of everything recorded. */
  async render(): Promise<string> {
    const out: string[] = [];
    for (const [name, { type, help }] of this.#help) {
      const lines: string[] = [];
      for (const { labels, value } of this.#counters.get(name)?.values() ?? []) lines.push(`${name}${labelText(labels)} ${value}`);
      const histogram = this.#histograms.get(name);
      for (const { labels, cell } of histogram?.cells.values() ?? []) {
        histogram!.buckets.forEach((bound, i) => lines.push(`${name}_bucket${labelText(labels, { le: String(bound) })} ${cell.counts[i]}`));
        lines.push(`${name}_bucket${labelText(labels, { le: '+Inf' })} ${cell.count}`, `${name}_sum${labelText(labels)} ${cell.sum}`, `${name}_count${labelText(labels)} ${cell.count}`);
      }
      for (const { labels, read } of this.#gauges.get(name)?.values() ?? []) {
        const value = await read();
        if (value !== null) lines.push(`${name}${labelText(labels)} ${value}`);
      }
      if (lines.length > 0) out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
    }
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }
}

const GLOBAL = Symbol.for('openclaw-temporal.bridge-metrics');

/** This process's registry (one for every plugin in the gateway). */
export function bridgeMetrics(): MetricsRegistry {
  const holder = globalThis as { [GLOBAL]?: MetricsRegistry };
  holder[GLOBAL] ??= new MetricsRegistry();
  return holder[GLOBAL];
}

/** How a decision the bridge asked Temporal for ended, as the gateway saw it. */
export type DecisionOutcome = 'deliver' | 'cancel' | 'allow' | 'block' | 'rewrite' | 'fail-closed' | 'fail-open';

/** Counts one decision and records its latency (everything the hook waited for, in seconds). */
export function recordDecision(plugin: string, hook: string, outcome: DecisionOutcome, seconds: number): void {
  const registry = bridgeMetrics();
  registry.inc('openclaw_bridge_decisions_total', 'Decisions the bridge asked Temporal for, by plugin, hook and outcome.', { plugin, hook, outcome });
  registry.observe('openclaw_bridge_decision_seconds', 'Decision latency as the hook saw it (queueing, facts before it, the Temporal call).', { plugin, outcome }, seconds);
}

/** Counts one cancel given without Temporal's decision because of `reason` (`timeout`, `unavailable`, `not-running`, …). */
export function recordFailClosed(plugin: string, reason: string): void {
  bridgeMetrics().inc('openclaw_bridge_fail_closed_total', 'Answers the bridge gave without a Temporal decision that blocked or cancelled, by reason.', { plugin, reason });
}

/** Counts one answer given by a configured fallback (`onTemporalError`): `block` is fail-closed, `allow` fail-open. */
export function recordFallback(plugin: string, reason: string, answer: 'allow' | 'block'): void {
  if (answer === 'block') recordFailClosed(plugin, reason);
  else bridgeMetrics().inc('openclaw_bridge_fail_open_total', 'Answers the bridge gave without a Temporal decision that allowed (onTemporalError: allow), by reason.', { plugin, reason });
}
