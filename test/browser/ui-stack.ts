/**
 * The `npm start` stack for the browser test and `npm run screenshots`: the embedded dev server with its Web UI
 * (free ports, a temp database), the real workers, and a played conversation — two gates (one armed by an allowed
 * sender and answered once, one that refused an uninvited answer) and, when its scenario exists, an orchestrator
 * thread with workers. Everything lives in one temp folder that `stop()` removes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { temporalCliPath } from '../../scripts/paths.mjs';
import { startCodecServer, type RunningCodecServer } from '../../worker/codec-server.ts';
import { startDevServer, type DevServer } from '../../worker/dev-server.ts';
import { bundleWorkflows, createWorkerSet } from '../../worker/workers.ts';
import { gateWorkflowId, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { freePort } from '../helpers/processes.ts';
import { quietLogger } from '../helpers/temporal.ts';
import { orchestratorScenarios } from '../scenarios/orchestrator.ts';

/** The peers and sender of the played conversation (the demo's cast). */
export const CAST = { lorene: '+4917012345678', max: '+4915112345678', other: '+4917099999999' } as const;
/** The orchestrator scenario whose thread stays open with workers. */
const THREAD_SCENARIO = 'orchestrator-worker-lifecycle';

export interface UiStack {
  readonly server: DevServer;
  readonly uiUrl: string;
  /** The codec server the Web UI decodes through (as `npm start` runs it), or null for a UI without one. */
  readonly codecServer: RunningCodecServer | null;
  readonly namespace: string;
  readonly client: Client;
  /** Workflow ids the conversation produced. */
  readonly workflows: { readonly armedGate: string; readonly idleGate: string; readonly thread: string | null };
  stop(): Promise<void>;
}

/**
 * Starts the stack and plays the conversation; the caller must `stop()` it. On failure it stops what it started.
 * With `codecEndpoint: false` the Web UI gets no codec server and shows the encrypted payloads.
 */
export async function startUiStack(options: { codecEndpoint?: boolean } = {}): Promise<UiStack> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = await mkdtemp(join(tmpdir(), 'openclaw-temporal-ui-'));
  const closers: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const uiPort = await freePort();
    const [codec] = payloadDataConverter().payloadCodecs ?? [];
    let codecServer: RunningCodecServer | null = null;
    if (options.codecEndpoint !== false && codec !== undefined) {
      const running = await startCodecServer({ host: '127.0.0.1', port: 0, allowedOrigins: [`http://127.0.0.1:${uiPort}`], token: null }, codec);
      closers.push(() => running.close());
      codecServer = running;
    }
    const server = await startDevServer({
      cliPath: temporalCliPath(),
      dbFile: join(dir, 'temporal.db'),
      logFile: join(dir, 'temporal-server.log'),
      port: await freePort(),
      uiPort,
      ...(codecServer && { codecEndpoint: codecServer.url }),
    });
    closers.push(() => server.stop());
    const nativeConnection = await untilServing(() => NativeConnection.connect({ address: server.address }));
    closers.push(() => nativeConnection.close());
    const workers = await createWorkerSet({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue: WORKFLOW_TASK_QUEUE,
      ledgerTaskQueue: LEDGER_TASK_QUEUE,
      serveLedger: true,
      maxCachedWorkflows: 50,
      bundle: await bundleWorkflows(),
      logger: quietLogger,
    });
    const running = workers.run();
    closers.push(async () => {
      workers.shutdown();
      await running;
    });
    const connection = await Connection.connect({ address: server.address });
    closers.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter() });
    const bridge = new TemporalBridge({ address: server.address, namespace: 'default' });
    bridge.start();
    closers.push(() => bridge.stop());
    const gate = new GateClient(bridge, new KeyedChain(), { channel: 'whatsapp', taskQueue: WORKFLOW_TASK_QUEUE });
    const dbPath = join(dir, 'lorene-gate.db');
    await playGates(gate, dbPath);
    const scenario = orchestratorScenarios.find((s) => s.name === THREAD_SCENARIO);
    const thread = scenario ? (await scenario.run({ client, address: server.address, tmpDir: dir, gate, dbPath })).workflowId : null;
    return {
      server,
      uiUrl: server.uiUrl ?? '',
      codecServer,
      namespace: 'default',
      client,
      workflows: { armedGate: gateWorkflowId('whatsapp', CAST.lorene), idleGate: gateWorkflowId('whatsapp', CAST.other), thread },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The dev server opens its port before its frontend serves ("Frontend is not healthy yet"): retry the first
 * connection for a while instead of failing a slow start.
 */
async function untilServing<T>(connect: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await connect();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Max arms Lorene's gate and the assistant answers once; an uninvited answer to another peer is refused. */
async function playGates(gate: GateClient, dbPath: string): Promise<void> {
  const config: GateRuntimeConfig = { armTtlMs: 30 * 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 60 * 60_000, dbPath };
  const deadline = () => Date.now() + 15_000;
  const text = 'Friday: which movie is on Plex tonight?';
  const trigger = { messageId: 'ui-1', sender: CAST.max, text, body: 'which movie is on Plex tonight?', receivedAt: Date.now(), config };
  await gate.trigger(CAST.lorene, trigger, deadline());
  const answered = await gate.decide(CAST.lorene, { decisionId: 'ui-answer-1', content: 'Tonight: "The Third Man" at 20:15.', config }, deadline());
  if (answered.action !== 'deliver') throw new Error(`the armed gate refused the answer (${answered.reason})`);
  const refused = await gate.decide(CAST.other, { decisionId: 'ui-uninvited-1', content: 'Hi, anything I can do?', config }, deadline());
  if (refused.action !== 'cancel') throw new Error('the unarmed gate delivered an uninvited answer');
}
