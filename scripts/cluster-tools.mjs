// What `npm run cluster` needs on this machine, found or built once: the Temporal server and its SQL schema tool
// (built from the Go module registry into the cache, like the CLI), and PostgreSQL's binaries (Debian's
// `postgresql`) unless OPENCLAW_CLUSTER_POSTGRES names an existing PostgreSQL; the Web UI server too when it builds
// (optional: without it the cluster runs without a UI). Plain JS: it runs in the bootstrap.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { POSTGRES_MAJOR, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION, cachedTemporalServerDir, cachedTemporalUiDir } from './paths.mjs';

const MODULE = 'go.temporal.io/server';
const UI_PACKAGE = `github.com/temporalio/ui-server/v2/cmd/server@v${TEMPORAL_UI_VERSION}`;

/** Whether `path` is a file this process may execute. */
export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `temporal-server`, `temporal-sql-tool` (the names the official images use) and the SQL `schema` folder, in the cache. */
export function clusterToolPaths(env = process.env) {
  const dir = cachedTemporalServerDir(env);
  return { dir, server: join(dir, 'temporal-server'), sqlTool: join(dir, 'temporal-sql-tool'), schema: join(dir, 'schema') };
}

/** The folder with PostgreSQL's `initdb`, `postgres` and `pg_ctl`: $OPENCLAW_POSTGRES_BIN, Debian's layout, or PATH. */
export function findPostgresBin(env = process.env) {
  const candidates = [env.OPENCLAW_POSTGRES_BIN, `/usr/lib/postgresql/${POSTGRES_MAJOR}/bin`];
  if (existsSync('/usr/lib/postgresql')) {
    candidates.push(...readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout?.trim();
  if (onPath) candidates.push(join(onPath, '..'));
  return candidates.find((dir) => dir && isExecutable(join(dir, 'initdb')) && isExecutable(join(dir, 'postgres'))) ?? null;
}

/** Builds the server and the schema tool once (nice'd: they are CPU-heavy), and checks PostgreSQL is there. */
export async function ensureClusterTools({ log, run, BootstrapError }) {
  const tools = clusterToolPaths();
  if (!isExecutable(tools.server) || !isExecutable(tools.sqlTool)) {
    const go = spawnSync('go', ['version'], { encoding: 'utf8' });
    if (go.status !== 0) {
      throw new BootstrapError(
        `the Temporal server v${TEMPORAL_SERVER_VERSION} is not built yet and Go is not installed to build it. Install Go >= 1.24 and run this ` +
          `again, or point the tests and your worker at an existing cluster instead (TEMPORAL_ADDRESS or a Temporal envconfig profile).`,
      );
    }
    const staging = `${tools.dir}.partial`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    log(`building the Temporal server v${TEMPORAL_SERVER_VERSION} and its SQL tool with ${go.stdout.trim()} (once; a few minutes) into ${tools.dir}`);
    const packages = [`${MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`];
    try {
      await run('nice', ['-n', '10', 'go', 'install', ...packages], { env: { ...process.env, GOBIN: staging }, what: `go install ${MODULE}@v${TEMPORAL_SERVER_VERSION}` });
    } catch (err) {
      throw new BootstrapError(`${err.message}. The build needs the Go module proxy (GOPROXY=${process.env.GOPROXY ?? 'default'}); fix the network and run this again.`);
    }
    renameSync(join(staging, 'server'), join(staging, 'temporal-server'));
    renameSync(join(staging, 'sql'), join(staging, 'temporal-sql-tool'));
    rmSync(tools.dir, { recursive: true, force: true });
    renameSync(staging, tools.dir);
  }
  if (!existsSync(tools.schema)) {
    // A copy, not a link: `go clean -modcache` must not take the schema from under a built server.
    const copied = spawnSync('cp', ['-r', '--no-preserve=mode', moduleSchemaDir(), tools.schema], { encoding: 'utf8' });
    if (copied.status !== 0) throw new BootstrapError(`cannot copy the server's SQL schema files: ${copied.stderr}`);
  }
  log(`Temporal server v${TEMPORAL_SERVER_VERSION} ready: ${tools.server}`);
  if (!process.env.OPENCLAW_CLUSTER_POSTGRES) checkPostgres(BootstrapError);
  await ensureUiServer({ log, run });
}

/** The PostgreSQL binaries a private PostgreSQL needs, and a user to run it as when we are root. */
function checkPostgres(BootstrapError) {
  if (findPostgresBin() === null) {
    throw new BootstrapError(
      `PostgreSQL is not installed. Install it (Debian: apt-get install -y postgresql; PostgreSQL ${POSTGRES_MAJOR} is what the cluster is tested with), ` +
        'set OPENCLAW_POSTGRES_BIN to the folder with its initdb and postgres, or use an existing PostgreSQL: ' +
        'OPENCLAW_CLUSTER_POSTGRES=host:port with POSTGRES_USER and POSTGRES_PWD (a role that may create databases).',
    );
  }
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) {
    throw new BootstrapError('running as root, PostgreSQL must run as another user and there is no "postgres" user: install Debian\'s postgresql package (it creates one), or run as a normal user.');
  }
}

/** The Web UI server binary (`temporal-ui-server`, its assets embedded) in the cache. */
export function uiServerPath(env = process.env) {
  return join(cachedTemporalUiDir(env), 'temporal-ui-server');
}

/** Why the cluster has no Web UI, with how to get one, or null when the UI server is built. */
export function uiServerMissing(env = process.env) {
  const path = uiServerPath(env);
  if (isExecutable(path)) return null;
  return `the Temporal Web UI server v${TEMPORAL_UI_VERSION} is not built (${path}): \`node scripts/bootstrap.mjs --cluster\` builds it with Go >= 1.26 (go install ${UI_PACKAGE}, about 2 minutes)`;
}

/** Builds the Web UI server once (nice'd). Never fails the bootstrap: the cluster runs without a UI, and this says why. */
async function ensureUiServer({ log, run }) {
  const target = uiServerPath();
  const without = (why) => log(`no Web UI for the cluster (it runs without one): ${why}`);
  if (!isExecutable(target)) {
    const go = spawnSync('go', ['version'], { encoding: 'utf8' });
    if (go.status !== 0) return without(`Go is not installed to build the Temporal UI server v${TEMPORAL_UI_VERSION}; install Go >= 1.26 and run this again`);
    const dir = cachedTemporalUiDir();
    const staging = `${dir}.partial`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    log(`building the Temporal Web UI server v${TEMPORAL_UI_VERSION} with ${go.stdout.trim()} (once; about 2 minutes) into ${dir}`);
    try {
      await run('nice', ['-n', '10', 'go', 'install', UI_PACKAGE], { env: { ...process.env, GOBIN: staging }, what: `go install ${UI_PACKAGE}` });
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      return without(`${err.message}; the build needs the Go module proxy (GOPROXY=${process.env.GOPROXY ?? 'default'}) and Go >= 1.26 — fix that and run this again`);
    }
    renameSync(join(staging, 'server'), join(staging, 'temporal-ui-server'));
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  }
  log(`Temporal Web UI server v${TEMPORAL_UI_VERSION} ready: ${target}`);
}

/** The server module's SQL schema files (`postgresql/v12/{temporal,visibility}/versioned`), from the Go module cache. */
function moduleSchemaDir() {
  const modcache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
  return join(modcache, `${MODULE}@v${TEMPORAL_SERVER_VERSION}`, 'schema');
}
