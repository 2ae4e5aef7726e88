/**
 * The end-to-end stack: a real Temporal dev server, the project's worker process (`worker/main.ts`), and a real
 * `openclaw gateway run` (Node 24, loopback, isolated state dir) with all four plugins loaded from this worktree.
 * The only fakes are the model server (test/e2e/fakes/model-server.ts) and, when a test asks for a chat channel,
 * the Telegram Bot API server (test/e2e/fakes/telegram-bot-api.ts). A test drives the gateway as a user would:
 * through its own OpenAI-compatible HTTP endpoint (the same agent path as `openclaw agent`) and its channel.
 */
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { EXPECTED_PLUGINS, PLUGIN_BRIDGE_DIR, pluginEntry } from '../gateway/expected-plugins.ts';
import { createSandbox, type GatewayProcess, type OpenClawSandbox } from '../gateway/openclaw-cli.ts';
import { freePort, startWorkerProcess, waitUntilPolling, type WorkerProcess } from '../helpers/processes.ts';
import { startTestServer } from '../helpers/temporal.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../../workflows/gate/contract.ts';
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
  /** How long a gateway start may take before the test fails (a loaded machine needs more). @default 240000 */
  readonly readyTimeoutMs?: number;
}

/** A running stack; `restartGateway` and `killGateway` are the faults. */
export interface E2EStack {
  readonly server: TestWorkflowEnvironment;
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
  /** SIGKILL, then a fresh `gateway run` on the same state dir. */
  killGateway(): Promise<string>;
  stop(): Promise<void>;
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
    plugins: { allow: EXPECTED_PLUGINS.map((p) => p.id), load: { paths: EXPECTED_PLUGINS.map((p) => join(PLUGIN_BRIDGE_DIR, p.id)) }, entries },
    ...(options.extraConfig ?? {}),
  };
}

/** Starts the server, the worker process and the gateway; the model answers with `respond`. */
export async function startStack(prefix: string, respond: Responder, options: StackOptions = {}): Promise<E2EStack> {
  const server = await startTestServer();
  const model = await startFakeModelServer(respond);
  const sandbox = await createSandbox(prefix);
  let port = await freePort();
  const startWorker = async () => {
    const worker = startWorkerProcess({ address: server.address, dataDir: join(sandbox.root, 'worker-data'), logFile: join(sandbox.root, 'worker.log') });
    await waitUntilPolling(server.client, worker, { workflow: WORKFLOW_TASK_QUEUE, activity: LEDGER_TASK_QUEUE });
    return worker;
  };
  const worker = await startWorker();
  const previous: string[] = [];
  // Other test processes on the machine take ports too: a port taken between freePort() and the gateway's listen
  // (EADDRINUSE) is replaced by a fresh one, at most twice.
  const startGateway = async (): Promise<GatewayProcess> => {
    for (let attempt = 1; ; attempt++) {
      await sandbox.writeConfig(gatewayConfig(sandbox, port, server.address, model.baseUrl, options));
      const gateway = sandbox.startGateway(port, { withChannels: options.withChannels === true });
      try {
        await gateway.ready(options.readyTimeoutMs ?? READY_TIMEOUT_MS);
        return gateway;
      } catch (err) {
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
    async restartGateway() {
      const how = await stack.gateway.stop(STOP_TIMEOUT_MS);
      previous.push(stack.gateway.output());
      stack.gateway = await startGateway();
      return how;
    },
    async killGateway() {
      stack.gateway.child.kill('SIGKILL');
      const how = await stack.gateway.stop(STOP_TIMEOUT_MS);
      previous.push(stack.gateway.output());
      stack.gateway = await startGateway();
      return how;
    },
    async stop() {
      await stack.gateway.stop(STOP_TIMEOUT_MS);
      await stack.worker.kill();
      await model.close();
      await server.teardown();
      await sandbox.cleanup();
    },
  };
  stackRef = stack;
  return stack;
}
