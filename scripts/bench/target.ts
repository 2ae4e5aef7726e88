/**
 * Which Temporal the benchmark measures: `npm run bench` starts a dev server; `npm run bench -- --target cluster`
 * starts the native Temporal cluster on PostgreSQL (scripts/cluster/, all services in one process), so the rows
 * compare the same operations on both. The server CPU column then counts the Temporal server, not PostgreSQL.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster } from '../cluster/cluster.ts';
import { temporalCliPath } from '../paths.mjs';
import { startDevServer } from '../../worker/dev-server.ts';
import { sqlitePragmas, type SqliteDurability } from '../../worker/sqlite-durability.ts';

/** A started benchmark server. */
export interface BenchServer {
  readonly address: string;
  readonly pid: number | undefined;
  readonly target: 'dev' | 'cluster';
  stop(): Promise<void>;
}

/** `--target dev|cluster` from the command line (dev by default). */
export function benchTarget(argv: readonly string[] = process.argv.slice(2)): 'dev' | 'cluster' {
  const { values } = parseArgs({ args: [...argv], options: { target: { type: 'string', default: 'dev' } }, strict: false });
  if (values.target !== 'dev' && values.target !== 'cluster') throw new Error(`--target ${String(values.target)}: expected dev or cluster`);
  return values.target;
}

/** Starts the selected server on `port` with its data in `dir` (a dev server writes SQLite as `npm start` would with `durability`). */
export async function startBenchServer(dir: string, port: number, durability: SqliteDurability): Promise<BenchServer> {
  if (benchTarget() === 'dev') {
    const server = await startDevServer({ cliPath: temporalCliPath(), dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log'), port, uiPort: null, sqlitePragmas: sqlitePragmas(durability) });
    return { address: server.address, pid: server.process.pid, target: 'dev', stop: () => server.stop() };
  }
  if (process.getuid?.() === 0) chmodSync(dir, 0o711); // PostgreSQL runs as the postgres user
  const cluster = await startCluster({ dir: join(dir, 'cluster'), frontendPort: port });
  return { address: cluster.address, pid: cluster.frontendPid(), target: 'cluster', stop: () => cluster.stop() };
}
