/**
 * The gateway activity worker: a Temporal worker inside the OpenClaw gateway process that serves the activities
 * only the gateway can perform (system events, heartbeats) on the gateway's own task queue. Started and stopped
 * by a plugin service. It never fails the gateway: while Temporal is unreachable it retries in the background,
 * and activities scheduled meanwhile wait on the queue until it is back — that is how nothing gets lost.
 */
import type * as WorkerModule from '@temporalio/worker';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { BridgeLogger } from './bridge-logger.ts';
import { bridgeDataConverter } from './codec/data-converter.ts';
import type { TemporalSettings } from './temporal-bridge.ts';

export interface GatewayWorkerOptions {
  readonly settings: TemporalSettings;
  readonly taskQueue: string;
  readonly activities: object;
  readonly logger: BridgeLogger;
  /** Pause between connection attempts while Temporal is unreachable. @default 5000 */
  readonly retryDelayMs?: number;
  /** Called each time the worker starts polling (first start, and after every reconnect). */
  readonly onPolling?: () => void;
}

/**
 * The SDK's runtime would install SIGINT/SIGTERM handlers that shut workers down behind the gateway's back;
 * the gateway owns its signals and stops us through the plugin service instead.
 */
function installQuietRuntime(sdk: WorkerSdk, logger: BridgeLogger): void {
  try {
    sdk.Runtime.install({ shutdownSignals: [] });
  } catch (err) {
    logger.debug({ err }, 'Temporal runtime already installed in this process; keeping it');
  }
}

/** The worker SDK is imported when the service starts, not when the plugin registers: it is heavy to load. */
type WorkerSdk = typeof WorkerModule;

export class GatewayActivityWorker {
  #stopping = false;
  #worker: Worker | null = null;
  #loop: Promise<void> | null = null;
  readonly #wake = new AbortController();

  constructor(private readonly options: GatewayWorkerOptions) {}

  /** Starts polling in the background; returns at once. */
  start(): void {
    if (this.#loop !== null) return;
    this.#loop = this.#run();
  }

  /** Stops polling, lets running activities finish, and closes the connection. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake.abort();
    if (this.#worker?.getState() === 'RUNNING') this.#worker.shutdown();
    await this.#loop;
  }

  get running(): boolean {
    return this.#worker?.getState() === 'RUNNING';
  }

  async #run(): Promise<void> {
    const { settings, taskQueue, logger } = this.options;
    let sdk: WorkerSdk;
    try {
      sdk = await import('@temporalio/worker');
    } catch (err) {
      logger.error({ taskQueue, err }, 'the Temporal worker SDK cannot load in this process: retry events will not be delivered here');
      return;
    }
    installQuietRuntime(sdk, logger);
    const { NativeConnection, Worker } = sdk;
    while (!this.#stopping) {
      let connection: NativeConnection | null = null;
      try {
        const env = loadClientConnectConfig(settings.profile === undefined ? {} : { profile: settings.profile });
        const address = settings.address ?? env.connectionOptions.address ?? 'localhost:7233';
        connection = await NativeConnection.connect({ ...env.connectionOptions, address });
        const namespace = settings.namespace ?? env.namespace ?? 'default';
        this.#worker = await Worker.create({ connection, namespace, taskQueue, activities: this.options.activities, maxConcurrentActivityTaskExecutions: 8, dataConverter: bridgeDataConverter({ keyFile: settings.payloadKeyFile }) });
        if (this.#stopping) break;
        logger.info({ taskQueue, address }, 'gateway activity worker polling');
        this.options.onPolling?.();
        await this.#worker.run();
      } catch (err) {
        logger.warn({ taskQueue, err }, 'gateway activity worker cannot reach Temporal; retrying');
      } finally {
        this.#worker = null;
        await connection?.close().catch((err: unknown) => logger.debug({ err }, 'closing the gateway worker connection failed'));
      }
      if (!this.#stopping) await this.#pause();
    }
    logger.info({ taskQueue }, 'gateway activity worker stopped');
  }

  #pause(): Promise<void> {
    if (this.#wake.signal.aborted) return Promise.resolve(); // a listener added after the abort would never fire
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.retryDelayMs ?? 5000);
      this.#wake.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}
