#!/usr/bin/env node
// Makes a fresh clone runnable: installs npm dependencies when they are missing or stale, and builds the Temporal
// CLI (dev server + Web UI) from the Go module registry once, into a cache outside the repository.
// With --openclaw it also prepares the isolated OpenClaw host (Node 24 + openclaw) that the plugin tests load.
// Plain JS with no dependencies: it must run before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEMPORAL_CLI_VERSION, cacheRoot, cachedTemporalCliPath } from './paths.mjs';
import { ensureClusterTools, isExecutable } from './cluster-tools.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const log = (msg) => process.stderr.write(`[bootstrap] ${msg}\n`);

class BootstrapError extends Error {
  name = 'BootstrapError';
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 3)) {
    throw new BootstrapError(`Node ${process.versions.node} is too old: the Temporal SDK needs Node >= 20.3.`);
  }
}

/** Runs a command with inherited output; resolves on exit 0, and prints a heartbeat while it runs long. */
function run(cmd, args, { cwd = repo, env = process.env, what = `${cmd} ${args.join(' ')}` } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    const beat = setInterval(() => log(`${what}: still running (${Math.round((Date.now() - started) / 1000)} s)`), 20_000);
    child.on('error', (err) => {
      clearInterval(beat);
      reject(new BootstrapError(`${what} could not start: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearInterval(beat);
      if (code === 0) resolve(Date.now() - started);
      else reject(new BootstrapError(`${what} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** node-gyp (better-sqlite3) must find the Node headers without downloading them: use npm's nodedir or fetch the headers from npm. */
async function nodeHeadersEnv() {
  const configured = spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' }).stdout?.trim();
  const candidates = [process.env.npm_config_nodedir, configured, dirname(dirname(process.execPath))].filter(Boolean);
  for (const dir of candidates) {
    if (dir !== 'undefined' && existsSync(join(dir, 'include', 'node', 'node.h'))) return { ...process.env, npm_config_nodedir: dir };
  }
  const headersDir = join(cacheRoot(), `node-headers-${process.versions.node}`);
  const nodedir = join(headersDir, 'node_modules', `node-linux-${process.arch}`);
  if (!existsSync(join(nodedir, 'include', 'node', 'node.h'))) {
    log(`no Node headers found; installing node-linux-${process.arch}@${process.versions.node} from npm for them`);
    mkdirSync(headersDir, { recursive: true });
    writeFileSync(join(headersDir, 'package.json'), '{"name":"node-headers","private":true}\n');
    await run('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `node-linux-${process.arch}@${process.versions.node}`], { cwd: headersDir });
  }
  return { ...process.env, npm_config_nodedir: nodedir };
}

/** Installs npm dependencies when node_modules does not match package-lock.json (or package.json). */
async function ensureDependencies() {
  const lock = join(repo, 'package-lock.json');
  const manifest = readFileSync(existsSync(lock) ? lock : join(repo, 'package.json'));
  const want = createHash('sha256').update(manifest).digest('hex');
  const stamp = join(repo, 'node_modules', '.openclaw-temporal-deps');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  log('installing npm dependencies (better-sqlite3 compiles from source: about 1–2 minutes the first time)');
  const env = await nodeHeadersEnv();
  // `npm ci`: installs exactly the committed lock and never rewrites it, so a clone stays clean. The lock must be
  // complete — every platform's optional packages (e.g. all @swc/core-* binaries) — or `npm ci` refuses it as
  // out of sync; a lock regenerated over an existing node_modules can lose them (npm/cli#4828).
  const ms = await run('npm', ['ci', '--no-audit', '--no-fund'], { env });
  writeFileSync(stamp, want);
  log(`dependencies installed in ${Math.round(ms / 1000)} s`);
}

/** Makes sure a Temporal CLI exists: $TEMPORAL_CLI_PATH, the cached build, or a fresh `go install` into the cache. */
async function ensureTemporalCli() {
  const override = process.env.TEMPORAL_CLI_PATH;
  if (override) {
    if (!isExecutable(override)) throw new BootstrapError(`TEMPORAL_CLI_PATH=${override} is not an executable file.`);
    return override;
  }
  const target = cachedTemporalCliPath();
  if (isExecutable(target)) return target;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    throw new BootstrapError(
      'the Temporal CLI is not built yet and Go is not installed to build it. Install Go >= 1.24 ' +
        `(then run this again), or set TEMPORAL_CLI_PATH to an existing 'temporal' binary (v${TEMPORAL_CLI_VERSION} or newer).`,
    );
  }
  const staging = `${dirname(target)}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(`building the Temporal CLI v${TEMPORAL_CLI_VERSION} with ${go.stdout.trim()} (once; takes several minutes) into ${dirname(target)}`);
  try {
    await run('go', ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: staging },
      what: `go install temporal@v${TEMPORAL_CLI_VERSION}`,
    });
  } catch (err) {
    throw new BootstrapError(
      `${err.message}. The Go build of the Temporal CLI needs the Go module proxy (GOPROXY=${process.env.GOPROXY ?? 'default'}). ` +
        'Fix the network or proxy and run this again, or set TEMPORAL_CLI_PATH to an existing temporal binary.',
    );
  }
  rmSync(dirname(target), { recursive: true, force: true });
  renameSync(staging, dirname(target));
  log(`Temporal CLI ready: ${target}`);
  return target;
}

async function main() {
  checkNode();
  await ensureDependencies();
  // A worker against an existing service needs no local Temporal CLI (and so no Go on a production host).
  const cli = process.argv.includes('--no-temporal-cli') ? null : await ensureTemporalCli();
  if (process.argv.includes('--openclaw')) {
    const { ensureOpenClawHost } = await import('./openclaw-host.mjs');
    await ensureOpenClawHost({ log });
  }
  if (process.argv.includes('--cluster')) await ensureClusterTools({ log, run, BootstrapError });
  if (process.argv.includes('--print-cli') && cli !== null) process.stdout.write(`${cli}\n`);
}

main().catch((err) => {
  log(`FAILED: ${err instanceof BootstrapError ? err.message : err.stack ?? err}`);
  process.exit(1);
});
