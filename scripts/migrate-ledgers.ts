/**
 * `npm run migrate -- [--usage-from FILE] [--gate-from FILE] [--usage-to FILE] [--gate-to FILE] [--json]`:
 * imports the original plugins' `usage-ledger.db` and `lorene-gate.db` into this project's ledgers, without
 * duplicates: running it twice changes nothing. Sources are opened read-only. Destinations default to where the
 * plugins write by default (`<OpenClaw state dir>/usage-ledger/usage-ledger.db`, `<state dir>/lorene-gate.db`);
 * pass the plugins' `dbPath` when you configured one. Safe next to a running worker (WAL, busy timeout).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LedgerPool } from '../activities/ledger-db.ts';
import { importGateLedger } from './migrate/gate-import.ts';
import { importLedger, type LedgerImport } from './migrate/import-ledger.ts';
import { importUsageLedger } from './migrate/usage-import.ts';

const USAGE = 'usage: npm run migrate -- [--usage-from FILE] [--gate-from FILE] [--usage-to FILE] [--gate-to FILE] [--json]';

function stateDir(env: NodeJS.ProcessEnv): string {
  return env.OPENCLAW_STATE_DIR?.trim() || join(homedir(), '.openclaw');
}

function describe(result: LedgerImport): string {
  const head = `${result.ledger}: ${result.from} → ${result.to}`;
  if (result.note !== undefined) return `${head}\n  ${result.note}`;
  const lines = result.tables.map((t) => `  ${t.table.padEnd(18)} ${String(t.read).padStart(7)} read ${String(t.inserted).padStart(7)} imported${t.note ? `  (${t.note})` : ''}`);
  return [head, ...lines].join('\n');
}

function main(argv: string[], env: NodeJS.ProcessEnv): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      'usage-from': { type: 'string' }, 'gate-from': { type: 'string' },
      'usage-to': { type: 'string' }, 'gate-to': { type: 'string' }, json: { type: 'boolean', default: false },
    },
  });
  const usageFrom = values['usage-from'];
  const gateFrom = values['gate-from'];
  if (usageFrom === undefined && gateFrom === undefined) {
    process.stderr.write(`${USAGE}\nnothing to do: name at least one original database\n`);
    return 2;
  }
  const pool = new LedgerPool();
  try {
    const results: LedgerImport[] = [];
    if (usageFrom !== undefined) {
      const to = resolve(values['usage-to'] ?? join(stateDir(env), 'usage-ledger', 'usage-ledger.db'));
      results.push(importLedger('usage-ledger', resolve(usageFrom), to, importUsageLedger, pool));
    }
    if (gateFrom !== undefined) {
      const to = resolve(values['gate-to'] ?? join(stateDir(env), 'lorene-gate.db'));
      results.push(importLedger('lorene-gate', resolve(gateFrom), to, importGateLedger, pool));
    }
    process.stdout.write(values.json ? `${JSON.stringify({ migration: results }, null, 2)}\n` : `${results.map(describe).join('\n')}\n`);
    return 0;
  } finally {
    pool.close();
  }
}

try {
  process.exitCode = main(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(`migrate failed: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exitCode = 1;
}
