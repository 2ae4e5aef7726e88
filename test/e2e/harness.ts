/**
 * The end-to-end stack: a real Temporal dev server (with `TEMPORAL_TARGET=cluster` a Temporal cluster on
 * PostgreSQL, test/helpers/target.ts), the project's worker process (`worker/main.ts`), and a real
 * `openclaw gateway run` (Node 24, loopback, isolated state dir) with all four plugins loaded from this worktree.
 * The only fakes are the model server (test/e2e/fakes/model-server.ts) and, when a test asks for a chat channel,
 * the Telegram Bot API server (test/e2e/fakes/telegram-bot-api.ts). A test drives the gateway as a user would:
 * through its own OpenAI-compatible HTTP endpoint (the same agent path as `openclaw agent`) and its channel.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { EXPECTED_PLUGINS, PLUGIN_BRIDGE_DIR, pluginEntry } from '../gateway/expected-plugins.ts';
import { createSandbox, type GatewayProcess, type OpenClawSandbox } from '../gateway/openclaw-cli.ts';
import { freePort, startWorkerProcess, waitUntilPolling, type WorkerProcess, type WorkerProcessOptions } from '../helpers/processes.ts';
import { startTargetServer, type TargetServer } from '../helpers/target.ts';
import { startTestServer } from '../helpers/temporal.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { startFakeModelServer, textOf, type FakeModelServer, type Responder } from './fakes/model-server.ts';

const READY_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 45_000;
/** The provider id and model id the gateway's agents use (the fake model server). */
export const MODEL_REF = 'scripted/scripted-1';

/** Per-plugin config added on top of the Temporal address, and extra top-level gateway config (channels). */
export interface StackOptions {
  readonly pluginConfig?: Readonly<Record<string, Record<string, unknown>>>;
  readonly extraConfig?: Readonly<Record<string, unknown>>;
  readonly withChannels?: boolean;
  /**
   * Installs the plugins into the fresh sandbox (e.g. `openclaw plugins install <tarball>`) before anything starts,
   * instead of loading this worktree's folders: the gateway config then names no `plugins.load.paths`.
   */
  readonly installPlugins?: (sandbox: OpenClawSandbox) => Promise<void>;
  /**
   * A `temporal server start-dev` process on a fixed port with its SQLite file in the sandbox (with
   * `TEMPORAL_TARGET=cluster`, a cluster with its PostgreSQL data there), instead of the test environment's server:
   * `stopTemporal`/`startTemporal` then stop it and start it again on the same data (PostgreSQL keeps running).
   */
  readonly restartableTemporal?: boolean;
  /** How long a gateway start may take before the test fails (a loaded machine needs more). @default 240000 */
  readonly readyTimeoutMs?: number;
  /** The worker to run instead of this checkout's (e.g. the packed worker package, installed). */
  readonly workerCommand?: WorkerProcessOptions['command'];
}

/** The Temporal server of a stack: the test environment's, or a restartable dev server (same three members). */
export type E2EServer = Pick<TestWorkflowEnvironment, 'address' | 'client' | 'teardown'>;

/** A running stack; `restartGateway` and `killGateway` are the faults. */
export interface E2EStack {
  readonly server: E2EServer;
  readonly model: FakeModelServer;
  readonly sandbox: OpenClawSandbox;
  /** The gateway's current port (a restart may move it when another process took it meanwhile). */
  port: number;
  gateway: GatewayProcess;
  worker: WorkerProcess;
  /** What the fake model was asked and answered, one line per call (for failure messages). */
  modelTrace(): string;
  /** Every line every gateway process of this stack printed, across restarts. */
  gatewayLogs(): string;
  /** One agent turn through the gateway's HTTP endpoint; resolves with the final assistant text. */
  chat(sessionKey: string, message: string): Promise<string>;
  /** SIGTERM (the gateway's own shutdown path), then a fresh `gateway run` on the same state dir. */
  restartGateway(): Promise<string>;
  /**
   * Waits until neither the model nor the gateway log has changed for `quietMs` (at most `maxMs`): an agent run still
   * preparing holds every plugin's instance, and OpenClaw 2026.9.6's stop drain does not count it, so a SIGTERM then
   * ends in "forced retirement" whatever the plugins do. A test of the plugins' stop path waits for this first.
   */
  quiesce(quietMs: number, maxMs: number): Promise<void>;
  /**
   * `openclaw gateway restart` (OpenClaw's restart path: a restart intent, then a signal to the running gateway, which
   * shuts down with reason "restart" and starts again in the same process); resolves once it is ready again.
   */
  restartGatewayInPlace(): Promise<void>;
  /** SIGKILL, then a fresh `gateway run` on the same state dir. */
  killGateway(): Promise<string>;
  stop(): Promise<void>;
  /** SIGKILL of the worker process, then a fresh one, resolved once it polls both task queues. */
  killWorker(): Promise<string>;
  /** Stops the Temporal server (SIGTERM); only with `restartableTemporal`. */
  stopTemporal(): Promise<void>;
  /** Starts it again on the same port and data; only with `restartableTemporal`. */
  startTemporal(): Promise<void>;
  /** The worker processes' output (all of them, across kills). */
  workerLogs(): string;
}

/**
 * The target server (test/helpers/target.ts) on a free port with its data in `dir`, restartable on the same port
 * and data: a dev server on `dir/temporal.db`, or with `TEMPORAL_TARGET=cluster` a Temporal cluster on PostgreSQL
 * whose `stop` stops the Temporal server and keeps PostgreSQL running (as a production outage would).
 */
async function startRestartableServer(dir: string): Promise<{ server: E2EServer; stop(): Promise<void>; start(): Promise<void> }> {
  const port = await freePort();
  let target: TargetServer = await startTargetServer(dir, port);
  let running = true;
  const connection = await Connection.connect({ address: target.address }).catch(async (err: unknown) => {
    await target.close();
    throw err;
  });
  const client = new Client({ connection, dataConverter: payloadDataConverter() });
  const stop = async () => {
    if (running) await target.stop();
    running = false;
  };
  const start = async () => {
    if (!running) target = await startTargetServer(dir, port);
    running = true;
  };
  const server: E2EServer = {
    address: target.address,
    client,
    async teardown() {
      await connection.close();
      await target.close();
    },
  };
  return { server, stop, start };
}

function gatewayConfig(sandbox: OpenClawSandbox, port: number, address: string, modelBaseUrl: string, options: StackOptions) {
  const entries = Object.fromEntries(
    EXPECTED_PLUGINS.map((p) => {
      const entry = pluginEntry(p, address);
      const config = { ...(entry.config as Record<string, unknown>), ...(options.pluginConfig?.[p.id] ?? {}) };
      return [p.id, { ...entry, config }];
    }),
  );
  return {
    gateway: { mode: 'local', port, bind: 'loopback', auth: { mode: 'none' }, http: { endpoints: { chatCompletions: { enabled: true } } } },
    logging: { file: sandbox.logFile },
    models: {
      mode: 'merge',
      providers: {
        scripted: {
          baseUrl: modelBaseUrl,
          apiKey: 'scripted-local',
          api: 'openai-completions',
          models: [{ id: 'scripted-1', name: 'Scripted', reasoning: false, input: ['text'], cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, contextWindow: 128000, maxTokens: 4096 }],
        },
      },
    },
    agents: { defaults: { model: { primary: MODEL_REF } } },
    // Direct tool schemas (no tool_search bridge), so scripted tool calls name the real tools.
    tools: { toolSearch: false },
    plugins: {
      allow: EXPECTED_PLUGINS.map((p) => p.id),
      ...(options.installPlugins === undefined ? { load: { paths: EXPECTED_PLUGINS.map((p) => join(PLUGIN_BRIDGE_DIR, p.id)) } } : {}),
      entries,
    },
    ...(options.extraConfig ?? {}),
  };
}

/** Starts the server, the worker process and the gateway; the model answers with `respond`. */
export async function startStack(prefix: string, respond: Responder, options: StackOptions = {}): Promise<E2EStack> {
  const sandbox = await createSandbox(prefix);
  const restartable = options.restartableTemporal === true ? await startRestartableServer(sandbox.root) : null;
  const server: E2EServer = restartable?.server ?? (await startTestServer());
  const model = await startFakeModelServer(respond);
  let port = await freePort();
  const workerLog = join(sandbox.root, 'worker.log');
  // The config the install left carries OpenClaw's `meta` block: a later config without it looks clobbered to
  // OpenClaw, which would restore the install-time one, so the gateway config keeps it.
  let installedMeta: unknown;
  try {
    await options.installPlugins?.(sandbox);
    if (options.installPlugins !== undefined) installedMeta = (await sandbox.readConfig()).meta;
  } catch (err) {
    await model.close();
    await server.teardown();
    throw err; // the sandbox stays for inspection
  }
  const startWorker = async () => {
    const worker = startWorkerProcess({ address: server.address, dataDir: join(sandbox.root, 'worker-data'), logFile: workerLog, command: options.workerCommand });
    await waitUntilPolling(server.client, worker, { workflow: WORKFLOW_TASK_QUEUE, activity: LEDGER_TASK_QUEUE });
    return worker;
  };
  const worker = await startWorker();
  const previous: string[] = [];
  // Other test processes on the machine take ports too: a port taken between freePort() and the gateway's listen
  // (EADDRINUSE) is replaced by a fresh one, at most twice.
  const startGateway = async (): Promise<GatewayProcess> => {
    for (let attempt = 1; ; attempt++) {
      const config = gatewayConfig(sandbox, port, server.address, model.baseUrl, options);
      await sandbox.writeConfig(installedMeta === undefined ? config : { ...config, meta: installedMeta });
      const gateway = sandbox.startGateway(port, { withChannels: options.withChannels === true });
      try {
        await gateway.ready(options.readyTimeoutMs ?? READY_TIMEOUT_MS);
        return gateway;
      } catch (err) {
        // A start that failed or timed out leaves no gateway behind (a later test would meet its port and locks).
        await gateway.stop(STOP_TIMEOUT_MS);
        if (attempt >= 3 || !/EADDRINUSE/.test(gateway.output())) throw err;
        previous.push(gateway.output());
        port = await freePort();
        if (stackRef !== null) stackRef.port = port;
      }
    }
  };
  let stackRef: E2EStack | null = null;
  let first: GatewayProcess;
  try {
    first = await startGateway();
  } catch (err) {
    await worker.kill();
    await model.close();
    await server.teardown();
    throw err; // the sandbox stays for inspection: its path is in the error's output
  }
  const stack: E2EStack = {
    server,
    model,
    sandbox,
    port,
    gateway: first,
    worker,
    modelTrace: () =>
      model.calls
        .map((c) => `#${c.seq} ${c.request.messages.map((m) => `${m.role}:${textOf(m.content).replace(/\s+/g, ' ').slice(0, 80)}`).join(' | ')} => ${JSON.stringify(c.reply).slice(0, 120)}`)
        .join('\n'),
    gatewayLogs: () => [...previous, stack.gateway.output()].join('\n'),
    async chat(sessionKey, message) {
      const response = await fetch(`http://127.0.0.1:${stack.port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-openclaw-session-key': sessionKey },
        body: JSON.stringify({ model: 'openclaw', messages: [{ role: 'user', content: message }] }),
      });
      const body = (await response.json()) as { choices?: Array<{ message?: { content?: string } }>; error?: { message?: string } };
      if (!response.ok) throw new Error(`chat ${sessionKey}: HTTP ${response.status} ${body.error?.message ?? ''}`);
      return body.choices?.[0]?.message?.content ?? '';
    },
    async quiesce(quietMs, maxMs) {
      const mark = () => `${stack.model.calls.length}/${stack.gateway.output().length}`;
      const until = Date.now() + maxMs;
      let last = mark();
      let since = Date.now();
      while (Date.now() < until && Date.now() - since < quietMs) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const now = mark();
        if (now !== last) [last, since] = [now, Date.now()];
      }
    },
    async restartGateway() {
      const how = await stack.gateway.stop(STOP_TIMEOUT_MS);
      previous.push(stack.gateway.output());
      stack.gateway = await startGateway();
      return how;
    },
    async restartGatewayInPlace() {
      const readyLines = () => (stack.gateway.output().match(/\[gateway\] ready\b/g) ?? []).length;
      const before = readyLines();
      await sandbox.run(['gateway', 'restart'], 120_000).catch((err: unknown) => {
        throw new Error(`${String(err)}\n--- the gateway's last lines\n${stack.gateway.output().split('\n').slice(-60).join('\n')}`);
      });
      const started = Date.now();
      while (readyLines() === before) {
        const { exitCode, signalCode } = stack.gateway.child;
        if (exitCode !== null || signalCode !== null) throw new Error(`the gateway exited (${signalCode ?? exitCode}) instead of restarting in place\n${stack.gateway.output().split('\n').slice(-40).join('\n')}`);
        if (Date.now() - started > (options.readyTimeoutMs ?? READY_TIMEOUT_MS)) throw new Error('the gateway did not get ready again after `openclaw gateway restart`');
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async killGateway() {
      stack.gateway.child.kill('SIGKILL');
      const how = await stack.gateway.stop(STOP_TIMEOUT_MS);
      previous.push(stack.gateway.output());
      stack.gateway = await startGateway();
      return how;
    },
    async killWorker() {
      const how = await stack.worker.kill();
      stack.worker = await startWorker();
      return how;
    },
    async stopTemporal() {
      if (restartable === null) throw new Error('stopTemporal needs a stack started with restartableTemporal');
      await restartable.stop();
    },
    async startTemporal() {
      if (restartable === null) throw new Error('startTemporal needs a stack started with restartableTemporal');
      await restartable.start();
    },
    workerLogs: () => (existsSync(workerLog) ? readFileSync(workerLog, 'utf8') : ''),
    async stop() {
      await stack.gateway.stop(STOP_TIMEOUT_MS);
      await stack.worker.kill();
      await model.close();
      await server.teardown();
      // OPENCLAW_TEMPORAL_E2E_KEEP=1 keeps the sandbox (gateway log, stability bundles, ledgers) for inspection.
      if (process.env.OPENCLAW_TEMPORAL_E2E_KEEP === '1') process.stderr.write(`[e2e] sandbox kept: ${sandbox.root}\n`);
      else await sandbox.cleanup();
    },
  };
  stackRef = stack;
  return stack;
}
