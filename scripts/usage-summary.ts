/**
 * `npm run usage -- [--since 7d] [--by model|provider|agent|day] [--json] [--db PATH]`: the usage ledger's totals
 * and cost, as a table or as `{ usageSummary: { since, totals, byModel, byProvider, byDay, byAgent } }`; with
 * `--budget`, the usage budgets' state from Temporal instead (scripts/ops/budgets.ts). Opens the ledger read-only,
 * so it is safe to run next to a live worker. The queries live in activities/usage-summary.ts.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { parseSince, summarizeUsage, type UsageSummary, type UsageTotals } from '../activities/usage-summary.ts';
import { collectBudgets, formatBudgets } from './ops/budgets.ts';
import { connectOps } from './ops/connect.ts';

const USAGE = 'usage: npm run usage -- [--since 7d|12h|2026-09-01] [--by model|provider|agent|day] [--json] [--db PATH]\n       npm run usage -- --budget [--json]   (the usage budgets as Temporal holds them)';
const GROUPINGS = ['model', 'provider', 'agent', 'day'] as const;
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

function groups(summary: UsageSummary, by: Grouping): { label: string; totals: UsageTotals }[] {
  switch (by) {
    case 'model': return summary.byModel.map((g) => ({ label: g.model ?? '(none)', totals: g }));
    case 'provider': return summary.byProvider.map((g) => ({ label: g.provider ?? '(none)', totals: g }));
    case 'agent': return summary.byAgent.map((g) => ({ label: g.agent ?? '(none)', totals: g }));
    case 'day': return summary.byDay.map((g) => ({ label: g.day, totals: g }));
  }
}

function table(summary: UsageSummary, by: Grouping): string {
  const body = [...groups(summary, by), { label: 'TOTAL', totals: summary.totals }];
  const rows = [[by, ...COLUMNS.map(([title]) => title)], ...body.map((r) => [r.label, ...COLUMNS.map(([, k]) => cell(r.totals, k))])];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  const line = (r: readonly string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0] ?? []), rule, ...rows.slice(1, -1).map(line), rule, line(rows.at(-1) ?? [])].join('\n');
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
      db: { type: 'string' },
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
  if (by === undefined) throw new Error(`--by must be model, provider, agent or day, got ${JSON.stringify(values.by)}`);
  const sinceMs = values.since === undefined ? null : parseSince(values.since, now);
  const dbPath = values.db ?? defaultDbPath(env);
  if (!existsSync(dbPath)) {
    console.error(`no usage ledger at ${dbPath} (nothing recorded yet, or pass --db PATH)`);
    return 1;
  }
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  let summary: UsageSummary;
  try {
    summary = summarizeUsage(db, sinceMs);
  } finally {
    db.close();
  }
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
