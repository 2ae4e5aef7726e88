/**
 * The real `openclaw` CLI (the isolated Node 24 host folder) run from node:test: a sandbox of temp folders that
 * stands in for a user's home, state dir, config file, log file and TMPDIR, one-shot CLI commands, and a headless
 * `openclaw gateway run` that a test can wait for and stop with SIGTERM like a process manager would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureOpenClawHost } from '../../scripts/openclaw-host.mjs';
import { removeStateLocks, stateLockFiles } from './state-locks.ts';

/** A CLI command that did not exit 0, or did not finish in time; `output` holds what it printed. */
export class OpenClawCliError extends Error {
  override name = 'OpenClawCliError' as const;
  constructor(
    readonly args: readonly string[],
    readonly output: string,
    message: string,
  ) {
    super(`openclaw ${args.join(' ')}: ${message}\n--- output (tail) ---\n${output.split('\n').slice(-40).join('\n')}`);
  }
}

/** One isolated OpenClaw installation: nothing of the developer's own OpenClaw is read or written. */
export interface OpenClawSandbox {
  readonly root: string;
  readonly stateDir: string;
  readonly configPath: string;
  /** The gateway's own log file (`logging.file`), so nothing goes to the shared `/tmp/openclaw` log. */
  readonly logFile: string;
  /** Runs one CLI command to its end; rejects unless it exits 0. */
  run(args: readonly string[], timeoutMs?: number): Promise<CliResult>;
  /** `openclaw gateway run`; headless (no channels, cron, canvas…) unless `withChannels` (the e2e suite's fakes). */
  startGateway(port: number, options?: { withChannels?: boolean }): GatewayProcess;
  writeConfig(config: object): Promise<void>;
  readConfig(): Promise<Record<string, unknown>>;
  /** Removes every folder of the sandbox and the lock files OpenClaw kept for it under /tmp. */
  cleanup(): Promise<void>;
}

/** What a finished CLI command printed: stdout alone (JSON output) and both streams together. */
export interface CliResult {
  readonly stdout: string;
  readonly output: string;
}

/** A running `openclaw gateway run`. */
export interface GatewayProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far, without colour codes. */
  output(): string;
  /** Resolves once the gateway logged `[gateway] ready`; rejects if it exits first or `timeoutMs` passes. */
  ready(timeoutMs: number): Promise<number>;
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`); resolves with the exit code or signal. */
  stop(timeoutMs: number): Promise<string>;
}

/**
 * Sidecars a headless gateway without channels has no use for, switched off the way OpenClaw's own update
 * rehearsal starts its throwaway gateway (plugins, their services and hooks are untouched; startup is ~20 % cheaper).
 */
const HEADLESS_SIDECARS_OFF = {
  OPENCLAW_SKIP_CHANNELS: '1',
  OPENCLAW_SKIP_CRON: '1',
  OPENCLAW_SKIP_CANVAS_HOST: '1',
  OPENCLAW_SKIP_BROWSER_CONTROL_SERVER: '1',
  OPENCLAW_SKIP_GMAIL_WATCHER: '1',
  OPENCLAW_SKIP_STARTUP_MODEL_PREWARM: '1',
};

/** Colour codes, should a log line carry them despite NO_COLOR. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * The child's environment: the developer's OpenClaw and Temporal settings, model credentials and the test runner's
 * Node switches are dropped, so the gateway sees only the sandbox.
 */
function isolatedEnv(own: Record<string, string>): NodeJS.ProcessEnv {
  const dropped = /^(OPENCLAW_|TEMPORAL_|NODE_OPTIONS$|NODE_TEST_CONTEXT$|VITEST)|(_API_KEY|_TOKEN|_SECRET)$/;
  const inherited = Object.entries(process.env).filter(([key]) => !dropped.test(key));
  return { ...Object.fromEntries(inherited), NO_COLOR: '1', FORCE_COLOR: '0', ...own };
}

/** Creates the sandbox folders under the OS temp dir and prepares the host folder (installed once, ~1 min). */
export async function createSandbox(prefix: string): Promise<OpenClawSandbox> {
  const host = await ensureOpenClawHost({ log: (line) => process.stderr.write(`${line}\n`) });
  const root = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const dirs = { home: join(root, 'home'), stateDir: join(root, 'state'), tmp: join(root, 'tmp') };
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
  const configPath = join(root, 'openclaw.json');
  const env = isolatedEnv({
    HOME: dirs.home,
    OPENCLAW_STATE_DIR: dirs.stateDir,
    OPENCLAW_CONFIG_PATH: configPath,
    TMPDIR: dirs.tmp,
    NODE_COMPILE_CACHE: join(dirs.tmp, 'compile-cache'),
    NODE_DISABLE_COMPILE_CACHE: '1',
  });
  const cli = join(host.openclawDir, 'openclaw.mjs');
  const launch = (args: readonly string[], extra: Record<string, string> = {}) =>
    spawn(host.nodeBin, [cli, ...args], { cwd: root, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });

  return {
    root,
    stateDir: dirs.stateDir,
    configPath,
    logFile: join(root, 'openclaw.log'),
    run: (args, timeoutMs = 300_000) => runToEnd(launch(args), args, timeoutMs),
    startGateway: (port, options) => {
      const sidecarsOff = Object.entries(HEADLESS_SIDECARS_OFF).filter(([key]) => !(options?.withChannels && key === 'OPENCLAW_SKIP_CHANNELS'));
      return gateway(launch(['gateway', 'run', '--port', String(port)], Object.fromEntries(sidecarsOff)));
    },
    writeConfig: (config) => writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`),
    readConfig: async () => JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>,
    async cleanup() {
      const locks = stateLockFiles(dirs.stateDir);
      await rm(root, { recursive: true, force: true });
      await removeStateLocks(locks);
    },
  };
}

function collect(child: ChildProcess): () => string {
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return () => chunks.join('').replace(ANSI, '');
}

function exitOf(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode ?? `code ${child.exitCode}`);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
}

async function runToEnd(child: ChildProcess, args: readonly string[], timeoutMs: number): Promise<CliResult> {
  const output = collect(child);
  const stdout: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const how = await exitOf(child);
  clearTimeout(timer);
  if (how !== 'code 0') throw new OpenClawCliError(args, output(), `exited with ${how}`);
  return { stdout: stdout.join(''), output: output() };
}

function gateway(child: ChildProcess): GatewayProcess {
  const output = collect(child);
  const killOnExit = () => child.kill('SIGKILL'); // never leave a gateway behind if the test process dies first
  process.once('exit', killOnExit);
  const exited = exitOf(child).finally(() => process.removeListener('exit', killOnExit));
  const args = ['gateway', 'run'];
  return {
    child,
    output,
    async ready(timeoutMs) {
      const started = Date.now();
      let gone: string | null = null;
      void exited.then((how) => (gone = how));
      while (!/\[gateway\] ready\b/.test(output())) {
        if (gone !== null) throw new OpenClawCliError(args, output(), `exited (${gone}) before it was ready`);
        if (Date.now() - started > timeoutMs) throw new OpenClawCliError(args, output(), `not ready within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 200));
      }
      return Date.now() - started;
    },
    async stop(timeoutMs) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
}
