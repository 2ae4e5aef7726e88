/**
 * The embedded Temporal dev server (`temporal server start-dev`) that `npm start` runs when the environment names
 * no existing service: a persistent SQLite file, the Web UI, and our search attributes registered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/shared/search-attributes.ts';
import { logChildOutput } from './child-log.ts';

/** The dev server did not come up; `logFile` has its output. */
export class DevServerError extends Error {
  override name = 'DevServerError' as const;
  constructor(
    message: string,
    readonly logFile: string,
    /** The server process exited before it served (rather than not opening its port in time). */
    readonly early = false,
  ) {
    super(`${message} (server output: ${logFile})`);
  }
}

export interface DevServerOptions {
  readonly cliPath: string;
  /** The persistent database file; the server keeps workflows across restarts in it. */
  readonly dbFile: string;
  readonly logFile: string;
  readonly ip?: string;
  /** @default 7233 */
  readonly port?: number;
  /** Web UI port, or null for a headless server. @default 8233 */
  readonly uiPort?: number | null;
  /** @default "default" */
  readonly namespace?: string;
  /** The codec server the Web UI decodes payloads through (`--ui-codec-endpoint`). */
  readonly codecEndpoint?: string;
  /** `--sqlite-pragma` values ("journal_mode=wal"); none: SQLite's defaults. See sqlite-durability.ts. */
  readonly sqlitePragmas?: readonly string[];
  /** How long to wait for the gRPC port. @default 60 s */
  readonly startTimeoutMs?: number;
}

export interface DevServer {
  readonly address: string;
  readonly uiUrl: string | null;
  readonly process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and resolves when it has exited. */
  stop(): Promise<void>;
}

/** The `--search-attribute Name=Type` flags for every key we use. */
export function searchAttributeFlags(): string[] {
  return ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${key.type === 'KEYWORD' ? 'Keyword' : key.type}`]);
}

/** Whether something accepts TCP connections on `host:port`. */
export function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * What the dev server prints when one of its listeners could not bind. The CLI picks its internal service, HTTP
 * and metrics ports itself (bind to port 0, then close) and binds them a moment later; another process can take
 * one in between, and the server then stops at start (a nil listener: a Go panic, exit code 2).
 */
const LISTENER_LOST = /Failed to start gRPC listener|address already in use/;

/** How many times a start that lost one of the CLI's own ports is tried in all. */
const START_ATTEMPTS = 3;

/** Starts the dev server and resolves once its gRPC port accepts connections. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? 7233;
  for (let attempt = 1; ; attempt++) {
    if (await portOpen(ip, port)) {
      throw new DevServerError(`port ${ip}:${port} is already in use — is another Temporal server running? Stop it, or point TEMPORAL_ADDRESS at it`, options.logFile);
    }
    const logStart = existsSync(options.logFile) ? statSync(options.logFile).size : 0;
    try {
      return await startOnce(options, ip, port);
    } catch (err) {
      const lostPort = err instanceof DevServerError && err.early && LISTENER_LOST.test(readFrom(options.logFile, logStart));
      if (!lostPort || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

function readFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

async function startOnce(options: DevServerOptions, ip: string, port: number): Promise<DevServer> {
  const uiPort = options.uiPort === undefined ? 8233 : options.uiPort;
  mkdirSync(dirname(options.dbFile), { recursive: true });
  mkdirSync(dirname(options.logFile), { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', ip, '--port', String(port),
    '--namespace', options.namespace ?? 'default',
    '--db-filename', options.dbFile,
    '--log-level', 'warn',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    ...(uiPort === null ? ['--headless'] : ['--ui-ip', ip, '--ui-port', String(uiPort)]),
    ...(uiPort !== null && options.codecEndpoint !== undefined ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
    ...searchAttributeFlags(),
    ...(options.sqlitePragmas ?? []).flatMap((pragma) => ['--sqlite-pragma', pragma]),
  ];
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = logChildOutput(child, options.logFile);
  let early: string | null = null;
  child.once('error', (err) => (early = err.message));
  child.once('exit', (code, signal) => (early ??= `exited early (${signal ?? `code ${code}`})`));
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await portOpen(ip, port))) {
    if (early !== null) {
      await exited;
      throw new DevServerError(`the Temporal dev server ${early}`, options.logFile, true);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new DevServerError(`the Temporal dev server did not open ${ip}:${port} in time`, options.logFile);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address: `${ip}:${port}`,
    uiUrl: uiPort === null ? null : `http://${ip}:${uiPort}`,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
