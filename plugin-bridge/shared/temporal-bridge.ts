/**
 * The bridge's one Temporal client per plugin instance. It is opened by a plugin service (never at import time),
 * connects lazily (a gateway starting before Temporal is fine), and bounds every call: a hook always gets an
 * answer or a {@link TemporalCallError} within its deadline, never a hang or a raw gRPC error.
 */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { TemporalCallError, type TemporalFailureKind } from './errors.ts';

/** Connection settings from the plugin config; unset values come from the Temporal environment configuration. */
export interface TemporalSettings {
  readonly address?: string;
  readonly namespace?: string;
  readonly profile?: string;
}

/** Opens on `start()`, closes on `stop()`; `call()` before start fails with kind `not-started`. */
export class TemporalBridge {
  #connection: Connection | null = null;
  #client: Client | null = null;

  constructor(private readonly settings: TemporalSettings) {}

  /** Creates the lazy connection and client; no network traffic until the first call. */
  start(): void {
    if (this.#connection !== null) return;
    const env = loadClientConnectConfig(this.settings.profile === undefined ? {} : { profile: this.settings.profile });
    const address = this.settings.address ?? env.connectionOptions.address ?? 'localhost:7233';
    this.#connection = Connection.lazy({ ...env.connectionOptions, address });
    this.#client = new Client({ connection: this.#connection, namespace: this.settings.namespace ?? env.namespace ?? 'default' });
  }

  async stop(): Promise<void> {
    const connection = this.#connection;
    this.#connection = null;
    this.#client = null;
    await connection?.close();
  }

  get started(): boolean {
    return this.#client !== null;
  }

  /** Runs `fn` with the client, aborted and rejected with kind `timeout` once `deadline` (epoch ms) passes. */
  async call<T>(operation: string, deadline: number, fn: (client: Client) => Promise<T>): Promise<T> {
    const client = this.#client;
    const connection = this.#connection;
    if (client === null || connection === null) throw new TemporalCallError(operation, 'not-started', 'the Temporal client service is not running');
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new TemporalCallError(operation, 'timeout', 'no time left before the call started');
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new TemporalCallError(operation, 'timeout', `no answer within ${remaining} ms`));
      }, remaining);
    });
    try {
      return await Promise.race([connection.withAbortSignal(abort.signal, () => fn(client)), timedOut]);
    } catch (err) {
      throw err instanceof TemporalCallError ? err : new TemporalCallError(operation, classify(err), describe(err));
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== err.message ? `${err.message} (${cause.message})` : err.message;
}

function classify(err: unknown): TemporalFailureKind {
  const name = err instanceof Error ? err.name : '';
  const text = describe(err);
  if (/UNAVAILABLE|ECONNREFUSED|connect|DEADLINE_EXCEEDED|No connection/i.test(text) || name === 'ServiceError') return 'unavailable';
  return 'rejected';
}
