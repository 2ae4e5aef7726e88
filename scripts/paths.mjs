// Where the bootstrap keeps what it builds or downloads once: outside the repository, so a fresh clone reuses it.
// Plain JS with no dependencies: it runs before `npm install`, and the TypeScript side imports it too.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Temporal CLI release built from the Go module registry (the newest one without a go.mod `replace`). */
export const TEMPORAL_CLI_VERSION = '1.5.1';

/** The cache root: `$OPENCLAW_TEMPORAL_CACHE`, else `$XDG_CACHE_HOME/openclaw-temporal`, else `~/.cache/openclaw-temporal`. */
export function cacheRoot(env = process.env) {
  if (env.OPENCLAW_TEMPORAL_CACHE) return env.OPENCLAW_TEMPORAL_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'openclaw-temporal');
}

/** The cached Temporal CLI binary the bootstrap builds when missing. */
export function cachedTemporalCliPath(env = process.env) {
  return join(cacheRoot(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

/** The Temporal CLI to run: `$TEMPORAL_CLI_PATH` when set, else the cached build. */
export function temporalCliPath(env = process.env) {
  return env.TEMPORAL_CLI_PATH || cachedTemporalCliPath(env);
}

/** Temporal server release the native cluster (`npm run cluster`) builds, and docker-compose.yml pins: the one in our CLI. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';

/** PostgreSQL major version of the native cluster (Debian's `postgresql`), and of docker-compose.yml's image. */
export const POSTGRES_MAJOR = 15;

/** Where the bootstrap keeps the Temporal server and its SQL schema tool (`temporal-server`, `temporal-sql-tool`). */
export function cachedTemporalServerDir(env = process.env) {
  return join(cacheRoot(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

/** Temporal Web UI server release the native cluster builds (github.com/temporalio/ui-server), and docker-compose.yml's `temporalio/ui` tag. */
export const TEMPORAL_UI_VERSION = '2.49.1';

/** Where the bootstrap keeps the Web UI server (`temporal-ui-server`, the UI's assets embedded). */
export function cachedTemporalUiDir(env = process.env) {
  return join(cacheRoot(env), `temporal-ui-${TEMPORAL_UI_VERSION}`);
}
