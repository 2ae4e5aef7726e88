/**
 * usage-ledger measurements for `npm run bench`: (a) the hook overhead per `llm_output` at the gateway, i.e. the
 * real plugin's registered handler called in process, as OpenClaw's runner calls it (extraction, event id,
 * correlation lookup, enqueue; delivery happens later in the service's loop), for a typical and a large payload;
 * (b) the ledger ingest rate: records per second from the hook into SQLite through the sender, the usage ledger
 * workflow and the ledger activity of the benchmark's worker child.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import usageLedgerPlugin from '../../plugin-bridge/usage-ledger/index.ts';
import type { PluginLogger, PluginService } from '../../plugin-bridge/shared/openclaw-types.ts';
import type { UsageLedgerApi, UsageLedgerHooks } from '../../plugin-bridge/usage-ledger/types.ts';
import { timeSync, type Timed } from './timing.ts';

/** Sizes of the usage measurements. */
export interface UsageBenchPlan {
  /** Timed `llm_output` calls per payload size (after `hookWarmup` untimed ones). */
  readonly hookIterations: number;
  readonly hookWarmup: number;
  /** Records pushed through the whole path for the ingest rate. */
  readonly ingestRecords: number;
}

/**
 * The plan `npm run bench` uses: 50 000 hook calls in all (warm-up included) whose records are delivered before
 * the ingest run starts, then 10 000 records for the ingest rate; about a minute on two busy cores.
 */
export const DEFAULT_USAGE_BENCH_PLAN: UsageBenchPlan = { hookIterations: 20_000, hookWarmup: 5_000, ingestRecords: 10_000 };

/** Records per second from the first hook call until the last row is in SQLite. */
export interface IngestResult {
  readonly records: number;
  readonly wallMs: number;
  readonly recordsPerSec: number;
}

export interface UsageBenchResult {
  /** The handler on the fixture payload (OpenClaw's `llm_output` with usage, ~0.6 KB as JSON). */
  readonly hook: Timed;
  /** The handler on a large payload (20 KB of assistant text plus the last assistant message). */
  readonly hookLarge: Timed;
  readonly ingest: IngestResult;
}

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/usage/openclaw-llm-output.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const large: Record<string, unknown> = {
  ...fixture,
  assistantTexts: ['Here is the plan for the refactor. '.repeat(580)],
  lastAssistant: { role: 'assistant', content: [{ type: 'text', text: 'x'.repeat(8000) }], stopReason: 'end_turn', usage: fixture['usage'] },
};
const ctx = { agentId: 'main', sessionKey: 'agent:main:main' };

const logger: PluginLogger = {
  info: () => undefined,
  warn: (message) => void process.stderr.write(`[usage-ledger warn] ${message}\n`),
  error: (message) => void process.stderr.write(`[usage-ledger error] ${message}\n`),
};

/** `register(api)` of the real plugin entry with the smallest api a gateway would pass. */
function registerPlugin(address: string, dbPath: string) {
  const hooks: Partial<UsageLedgerHooks> = {};
  const services: PluginService[] = [];
  const api: UsageLedgerApi = {
    pluginConfig: { temporalAddress: address, dbPath, bufferMaxRecords: 1_000_000 },
    logger,
    on(hook, handler) {
      hooks[hook] = handler;
    },
    registerService: (service) => void services.push(service),
  };
  usageLedgerPlugin.register(api);
  const llmOutput = hooks.llm_output;
  if (llmOutput === undefined) throw new Error('usage-ledger registered no llm_output handler');
  return { llmOutput, services };
}

function rowCount(dbPath: string): number {
  if (!existsSync(dbPath)) return 0;
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'llm_usage_events'").pluck().get() === 0
      ? 0
      : (db.prepare('SELECT COUNT(*) FROM llm_usage_events').pluck().get() as number);
  } finally {
    db.close();
  }
}

async function rowsReach(dbPath: string, target: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (rowCount(dbPath) >= target) return Date.now();
    if (Date.now() > deadline) throw new Error(`the usage ledger has ${rowCount(dbPath)} of ${target} rows after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Events with distinct run ids (so distinct event ids), built before timing. */
function events(template: Record<string, unknown>, prefix: string, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({ ...template, runId: `${prefix}${i}` }));
}

/** Runs both measurements against a running stack; `dir` holds the ledger file the worker writes. */
export async function benchUsage(address: string, dir: string, plan: UsageBenchPlan): Promise<UsageBenchResult> {
  const dbPath = join(dir, 'usage-ledger.db');
  const stateDir = join(dir, 'usage-gateway-state');
  const { llmOutput, services } = registerPlugin(address, dbPath);
  for (const service of services) await service.start({ stateDir, logger });
  try {
    const hookRound = (template: Record<string, unknown>, prefix: string): Timed => {
      const all = events(template, prefix, plan.hookWarmup + plan.hookIterations);
      const call = (event: Record<string, unknown> | undefined): string => {
        llmOutput(event ?? {}, ctx);
        return 'queued';
      };
      timeSync(plan.hookWarmup, (i) => call(all[i]));
      return timeSync(plan.hookIterations, (i) => call(all[plan.hookWarmup + i]));
    };
    const hook = hookRound(fixture, 'bench-hook-');
    const hookLarge = hookRound(large, 'bench-hook-large-');
    const queued = 2 * (plan.hookWarmup + plan.hookIterations);
    await rowsReach(dbPath, queued, 300_000); // the hook rounds' records, so they do not count towards the ingest rate

    const batch = events(fixture, 'bench-ingest-', plan.ingestRecords);
    const started = Date.now();
    for (let from = 0; from < batch.length; from += 500) {
      for (const event of batch.slice(from, from + 500)) llmOutput(event, ctx);
      await new Promise((r) => setImmediate(r)); // traffic arrives across event-loop turns, as in a gateway
    }
    const wallMs = (await rowsReach(dbPath, queued + plan.ingestRecords, 300_000)) - started;
    return { hook, hookLarge, ingest: { records: plan.ingestRecords, wallMs, recordsPerSec: Math.round((plan.ingestRecords * 1000) / Math.max(1, wallMs)) } };
  } finally {
    for (const service of services) await service.stop?.({ stateDir, logger });
  }
}
