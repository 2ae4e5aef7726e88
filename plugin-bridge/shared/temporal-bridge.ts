/**
 * The bridge's one Temporal client per plugin instance. It is opened by a plugin service (never at import time),
 * connects lazily (a gateway starting before Temporal is fine), and bounds every call: a hook always gets an
 * answer or a {@link TemporalCallError} within its deadline, never a hang or a raw gRPC error.
 */
import type { Client, Connection } from '@temporalio/client';
import { Admission } from './admission.ts';
import { giveUp, settledWithin } from './bounded-wait.ts';
import { callError } from './call-failure.ts';
import { TemporalCallError } from './errors.ts';
import type { BridgeTracing } from './deferred-tracing.ts';
import type { SpanAttributes } from './span-attributes.ts';
import { openLazyClient } from './temporal-client.ts';
import type { TemporalSettings } from './temporal-settings.ts';

export type { TemporalSettings } from './temporal-settings.ts';

/**
 * How long `stop()` lets calls in flight finish before they give up, and how long it then waits for them to
 * settle. OpenClaw 2026.9.6 retires a plugin instance whose calls (hooks, service stop) still run 5 s into its
 * disposal, and then reports the gateway's stop as failed (exit code 1): a stopping bridge must end its calls well
 * within that.
 */
const STOP_GRACE_MS = 1000;
const STOP_SETTLE_MS = 500;
const STOP_FLUSH_MS = 1000;

/** How long after a failed call the SDK may still hold a gRPC retry timer for it (its backoff window). */
export const GRPC_RETRY_WINDOW_MS = 10_000;

/** Opens on `start()`, closes on `stop()`; `call()` before start fails with kind `not-started`. */
export class TemporalBridge {
  #connection: Connection | null = null;
  #client: Client | null = null;
  #tracing: BridgeTracing | null = null;
  readonly #inFlight = new Set<Promise<unknown>>();
  #lastFailureAt: number | null = null;
  /** Aborted by `stop()` once the grace has passed: every call still running then gives up. */
  #stopping: AbortController | null = null;
  readonly #admission: Admission;

  constructor(private readonly settings: TemporalSettings) {
    this.#admission = new Admission(settings.maxInFlight);
  }

  /** Calls in flight and calls waiting for a slot. */
  get load(): { readonly running: number; readonly waiting: number } {
    return this.#admission.load;
  }

  /** Creates the lazy connection and client; no network traffic until the first call. */
  start(): void {
    if (this.#connection !== null) return;
    const { connection, client, tracing } = openLazyClient(this.settings);
    this.#connection = connection;
    this.#client = client;
    this.#tracing = tracing;
    this.#stopping = new AbortController();
  }

  /**
   * Stops taking calls, lets the calls in flight end for {@link STOP_GRACE_MS}, makes the rest give up (their
   * callers apply their failure policy: a decision fails closed, a fact stays in its outbox), then closes the
   * connection: closing it under a call the SDK still retries would throw into the gateway as an uncaught
   * "Channel has been shut down". A call that failed recently may still have a retry timer pending in the SDK
   * even though its promise settled, so after a failure within {@link GRPC_RETRY_WINDOW_MS} the close happens
   * once that window has passed (the timer does not hold the process open, and `stop()` does not wait for it).
   */
  async stop(): Promise<void> {
    const connection = this.#connection;
    const stopping = this.#stopping;
    const tracing = this.#tracing;
    this.#connection = null;
    this.#client = null;
    this.#stopping = null;
    this.#tracing = null;
    await this.#settled(STOP_GRACE_MS);
    stopping?.abort();
    await this.#settled(STOP_SETTLE_MS);
    // Flushes the spans still batched, for at most STOP_FLUSH_MS: an unreachable collector (the exporter waits
    // 10 s for it) must not hold the stop past OpenClaw's budget; unflushed spans are dropped.
    if (tracing !== null) await settledWithin(tracing.shutdown(), STOP_FLUSH_MS);
    if (connection === null) return;
    const wait = this.#lastFailureAt === null ? 0 : this.#lastFailureAt + GRPC_RETRY_WINDOW_MS - Date.now();
    if (wait <= 0) {
      await connection.close();
      return;
    }
    setTimeout(() => void connection.close().catch(() => undefined), wait).unref();
  }

  /** Resolves once every call in flight has settled, or after `ms`. */
  async #settled(ms: number): Promise<void> {
    if (this.#inFlight.size > 0) await settledWithin(Promise.allSettled([...this.#inFlight]), ms);
  }

  /** When the last call failed (epoch ms), or null: a retry timer of the SDK may be pending until the window ends. */
  get lastFailureAt(): number | null {
    return this.#lastFailureAt;
  }

  get started(): boolean {
    return this.#client !== null;
  }

  /**
   * Runs `fn` with the client, rejected with kind `timeout` once `deadline` (epoch ms) passes. The deadline is
   * also the gRPC deadline of every request `fn` makes, so the SDK stops retrying a call the hook gave up on:
   * an abandoned call must not reach the server later (a cancelled message counted as delivered). Past the
   * bound on calls in flight ({@link TemporalSettings.maxInFlight}) it waits for a slot, and is never sent
   * (kind `overloaded`) when the deadline passes first. With tracing on, the call runs in a span
   * `openclaw.<operation>` carrying `attributes` (the hook's ids, span-attributes.ts), the parent of the SDK's
   * client span; with tracing off `attributes` is not looked at.
   */
  call<T>(operation: string, deadline: number, fn: (client: Client) => Promise<T>, attributes?: SpanAttributes): Promise<T> {
    const run = () => this.#admission.run(operation, deadline, () => this.#call(operation, deadline, fn));
    const tracing = this.#tracing;
    return tracing === null ? run() : tracing.inSpan(`openclaw.${operation}`, attributes ?? {}, run);
  }

  async #call<T>(operation: string, deadline: number, fn: (client: Client) => Promise<T>): Promise<T> {
    const client = this.#client;
    const connection = this.#connection;
    const stopping = this.#stopping;
    if (client === null || connection === null || stopping === null) throw new TemporalCallError(operation, 'not-started', 'the Temporal client service is not running');
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new TemporalCallError(operation, 'timeout', 'no time left before the call started');
    const abort = new AbortController();
    const givenUp = giveUp(operation, remaining, stopping.signal, abort);
    const running = connection.withDeadline(deadline, () => connection.withAbortSignal(abort.signal, () => fn(client)));
    const tracked = running.then(
      () => undefined,
      () => {
        this.#lastFailureAt = Date.now();
      },
    );
    this.#inFlight.add(tracked);
    void tracked.then(() => this.#inFlight.delete(tracked));
    try {
      return await Promise.race([running, givenUp.rejected]);
    } catch (err) {
      this.#lastFailureAt = Date.now();
      throw callError(operation, err);
    } finally {
      givenUp.dispose();
    }
  }
}
