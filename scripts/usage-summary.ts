/**
 * `npm run usage -- [--since 7d] [--by model|provider|agent|day|host] [--json] [--db [HOST=]PATH]…`: the usage
 * ledger's totals and cost, as a table or as `{ usageSummary: { since, totals, byModel, byProvider, byDay, byAgent } }`;
 * with `--budget`, the usage budgets' state from Temporal instead (scripts/ops/budgets.ts). `--db` given more than
 * once summarises several gateway hosts' ledgers together (each host writes its own with a `gatewayId`), with a
 * breakdown per host (`byHost`, and a table of its own); `HOST=` labels a file (default: its path). Opens every
 * ledger read-only, so it is safe to run next to a live worker. The queries live in activities/usage-summary.ts,
 * the sum over hosts in activities/usage-summary-hosts.ts.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { parseSince, summarizeUsage, type UsageSummary, type UsageTotals } from '../activities/usage-summary.ts';
import { mergeHostSummaries, type HostsUsageSummary } from '../activities/usage-summary-hosts.ts';
import { collectBudgets, formatBudgets } from './ops/budgets.ts';
import { connectOps } from './ops/connect.ts';

const USAGE = 'usage: npm run usage -- [--since 7d|12h|2026-09-01] [--by model|provider|agent|day|host] [--json] [--db [HOST=]PATH]...\n       (--db more than once: the ledgers of several gateway hosts together, with a per-host breakdown)\n       npm run usage -- --budget [--json]   (the usage budgets as Temporal holds them)';
const GROUPINGS = ['model', 'provider', 'agent', 'day', 'host'] as const;
type Grouping = (typeof GROUPINGS)[number];

/** The usage ledger the worker writes by default: `<OpenClaw state dir>/usage-ledger/usage-ledger.db`. */
function defaultDbPath(env: NodeJS.ProcessEnv): string {
  const stateDir = env.OPENCLAW_STATE_DIR?.trim() || join(homedir(), '.openclaw');
  return join(stateDir, 'usage-ledger', 'usage-ledger.db');
}

const COLUMNS: readonly [string, keyof UsageTotals][] = [
  ['events', 'events'], ['input', 'inputTokens'], ['output', 'outputTokens'], ['total', 'totalTokens'],
  ['cache write', 'cacheCreationInputTokens'], ['cache read', 'cacheReadInputTokens'], ['failures', 'failures'],
  ['cost USD', 'costUsd'], ['unpriced', 'unpriced'],
];

/** A cell: counts with thousands separators, the cost in dollars to the hundredth of a cent. */
function cell(totals: UsageTotals, key: keyof UsageTotals): string {
  return key === 'costUsd' ? `$${totals.costUsd.toFixed(4)}` : totals[key].toLocaleString('en-US');
}

function groups(summary: UsageSummary & Partial<Pick<HostsUsageSummary, 'byHost'>>, by: Grouping): { label: string; totals: UsageTotals }[] {
  switch (by) {
    case 'model': return summary.byModel.map((g) => ({ label: g.model ?? '(none)', totals: g }));
    case 'provider': return summary.byProvider.map((g) => ({ label: g.provider ?? '(none)', totals: g }));
    case 'agent': return summary.byAgent.map((g) => ({ label: g.agent ?? '(none)', totals: g }));
    case 'day': return summary.byDay.map((g) => ({ label: g.day, totals: g }));
    case 'host': return (summary.byHost ?? []).map((g) => ({ label: g.host, totals: g }));
  }
}

function table(summary: UsageSummary & Partial<Pick<HostsUsageSummary, 'byHost'>>, by: Grouping): string {
  const body = [...groups(summary, by), { label: 'TOTAL', totals: summary.totals }];
  const rows = [[by, ...COLUMNS.map(([title]) => title)], ...body.map((r) => [r.label, ...COLUMNS.map(([, k]) => cell(r.totals, k))])];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  const line = (r: readonly string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0] ?? []), rule, ...rows.slice(1, -1).map(line), rule, line(rows.at(-1) ?? [])].join('\n');
}

/** One `--db` value: `HOST=PATH` (HOST as a gateway id is spelled) or a bare path, labelled by itself. */
interface Ledger {
  readonly host: string;
  readonly path: string;
}

function parseLedger(value: string): Ledger {
  const labelled = /^([A-Za-z0-9._-]{1,64})=(.+)$/.exec(value);
  return labelled?.[1] !== undefined && labelled[2] !== undefined ? { host: labelled[1], path: labelled[2] } : { host: value, path: value };
}

/** One ledger's summary, read-only; null (after saying so) when the file is not there. */
function readLedger(path: string, sinceMs: number | null): UsageSummary | null {
  if (!existsSync(path)) {
    console.error(`no usage ledger at ${path} (nothing recorded yet, or pass --db PATH)`);
    return null;
  }
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return summarizeUsage(db, sinceMs);
  } finally {
    db.close();
  }
}

/** Several hosts' ledgers: the summary over all of them, then (unless grouped by host already) the per-host table. */
function hostsReport(ledgers: readonly Ledger[], sinceMs: number | null, by: Grouping, json: boolean): number {
  for (const key of ['host', 'path'] as const) {
    const seen = ledgers.map((l) => l[key]).find((v, i, all) => all.indexOf(v) !== i);
    if (seen !== undefined) throw new Error(`--db names the ${key} ${JSON.stringify(seen)} twice`);
  }
  const hosts = [];
  for (const ledger of ledgers) {
    const summary = readLedger(ledger.path, sinceMs);
    if (summary === null) return 1;
    hosts.push({ host: ledger.host, summary });
  }
  const summary = mergeHostSummaries(hosts);
  if (json) {
    console.log(JSON.stringify({ usageSummary: summary }, null, 2));
    return 0;
  }
  const named = ledgers.map((l) => (l.host === l.path ? l.path : `${l.host}: ${l.path}`)).join(', ');
  console.log(`LLM usage ${summary.since === null ? 'for all time' : `since ${summary.since}`}, ${ledgers.length} gateway hosts (${named})\n`);
  console.log(table(summary, by));
  if (by !== 'host') console.log(`\n${table(summary, 'host')}`);
  return 0;
}

/** `--budget`: every budget workflow's state, from the Temporal service of the environment (TEMPORAL_ADDRESS, profile). */
async function budgets(json: boolean): Promise<number> {
  const ops = await connectOps();
  try {
    const found = await collectBudgets(ops.client);
    console.log(json ? JSON.stringify({ budgets: found }, null, 2) : `${formatBudgets(found).trimEnd()}\n(${ops.address}, namespace ${ops.namespace})`);
    return 0;
  } finally {
    await ops.close();
  }
}

async function main(argv: string[], env: NodeJS.ProcessEnv, now: number): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      since: { type: 'string' },
      by: { type: 'string', default: 'model' },
      json: { type: 'boolean', default: false },
      db: { type: 'string', multiple: true },
      budget: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.budget) return budgets(values.json);
  const by = GROUPINGS.find((g) => g === values.by);
  if (by === undefined) throw new Error(`--by must be model, provider, agent, day or host, got ${JSON.stringify(values.by)}`);
  const sinceMs = values.since === undefined ? null : parseSince(values.since, now);
  const ledgers = (values.db ?? []).map(parseLedger);
  if (ledgers.length > 1) return hostsReport(ledgers, sinceMs, by, values.json);
  if (by === 'host') throw new Error('--by host needs the ledgers of several hosts (--db more than once)');
  const dbPath = ledgers[0]?.path ?? defaultDbPath(env);
  const summary = readLedger(dbPath, sinceMs);
  if (summary === null) return 1;
  if (values.json) {
    console.log(JSON.stringify({ usageSummary: summary }, null, 2));
  } else {
    console.log(`LLM usage ${summary.since === null ? 'for all time' : `since ${summary.since}`} (${dbPath})\n`);
    console.log(table(summary, by));
  }
  return 0;
}

main(process.argv.slice(2), process.env, Date.now()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
  },
);
