/**
 * The cluster's PostgreSQL: a private data folder (initdb once) served on 127.0.0.1 only, with trust authentication
 * for the `temporal` role — or an existing server named by OPENCLAW_CLUSTER_POSTGRES. PostgreSQL refuses to run as
 * root, so as root it runs as the `postgres` user (setpriv, no extra process between us and it).
 */
import { chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { ClusterError, startChild, waitReady, type Child } from './child.ts';
import { portOpen } from '../ports.ts';

/** How Temporal reaches PostgreSQL. */
export interface PostgresAddress {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/** A PostgreSQL this process runs (stop and start it to simulate an outage), or an existing one (`child` null). */
export interface Postgres extends PostgresAddress {
  readonly dataDir: string | null;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** The existing PostgreSQL of `OPENCLAW_CLUSTER_POSTGRES=host:port` (+ POSTGRES_USER, POSTGRES_PWD), or null. */
export function externalPostgres(env: NodeJS.ProcessEnv = process.env): Postgres | null {
  const seed = env.OPENCLAW_CLUSTER_POSTGRES;
  if (!seed) return null;
  const [host = '127.0.0.1', port = '5432'] = seed.split(':');
  const noop = async () => undefined;
  return { host, port: Number(port), user: env.POSTGRES_USER ?? 'temporal', password: env.POSTGRES_PWD ?? 'temporal', dataDir: null, stop: noop, start: noop };
}

interface Account {
  readonly uid: number;
  readonly gid: number;
}

/** The account PostgreSQL runs as: ours, or `postgres` when we are root. */
function account(): Account | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new ClusterError('running as root, PostgreSQL needs the "postgres" user (Debian\'s postgresql package creates it)');
  return { uid, gid: id('-g') };
}

/** As root: every folder above the data folder must let the postgres user through. */
function checkTraversable(dataDir: string): void {
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new ClusterError(`the postgres user cannot reach ${dataDir} (${dir} is not searchable by others): choose another folder with OPENCLAW_CLUSTER_DATA`);
    }
  }
}

/** Runs `bin/name args` as the PostgreSQL account. */
function asAccount(who: Account | null, bin: string, name: string, args: readonly string[]): [string, string[]] {
  const program = join(bin, name);
  if (who === null) return [program, [...args]];
  return ['setpriv', [`--reuid=${who.uid}`, `--regid=${who.gid}`, '--clear-groups', program, ...args]];
}

/** Creates the data folder on first use and starts PostgreSQL on `127.0.0.1:port`; resolves when it accepts connections. */
export async function startPostgres(options: { bin: string; dataDir: string; port: number; logFile: string }): Promise<Postgres> {
  const who = account();
  const { bin, dataDir, port, logFile } = options;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (who !== null) {
    chownSync(dataDir, who.uid, who.gid);
    chmodSync(dirname(dataDir), 0o711);
    checkTraversable(dataDir);
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const [cmd, args] = asAccount(who, bin, 'initdb', ['-D', dataDir, '-U', 'temporal', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    const init = spawnSync(cmd, args, { encoding: 'utf8' });
    if (init.status !== 0) throw new ClusterError(`initdb of ${dataDir} failed: ${init.stderr || init.error?.message}`);
  }
  let child: Child | null = null;
  const pg: Postgres = {
    host: '127.0.0.1',
    port,
    user: 'temporal',
    password: 'temporal',
    dataDir,
    async start() {
      const settings = ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`, '-c', 'max_connections=300'];
      const [cmd, args] = asAccount(who, bin, 'postgres', ['-D', dataDir, '-p', String(port), ...settings]);
      const started = startChild('postgres', cmd, args, logFile);
      child = started;
      const ready = () => Promise.resolve(spawnSync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0);
      await waitReady(started, `accepting connections on 127.0.0.1:${port}`, async () => (await portOpen('127.0.0.1', port)) && ready(), logFile, 60_000);
    },
    async stop() {
      // SIGINT is PostgreSQL's "fast" shutdown: sessions are ended, a checkpoint is written.
      await child?.stop('SIGINT', 30_000);
      child = null;
    },
  };
  await pg.start();
  return pg;
}
