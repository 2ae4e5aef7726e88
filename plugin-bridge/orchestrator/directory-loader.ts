/**
 * Rebuilds the thread cache from Temporal when the plugin's service starts (after a gateway restart): list the
 * running threads through their search attributes, query each one, and take its state as the truth. Threads are
 * loaded one by one: a thread whose query fails is skipped and reported, the others go into the cache, and the
 * missing ones are asked again with a growing pause. Until every listed thread is loaded the cache stays
 * `unloaded`, so decisions follow the `unloaded` rules of route.ts for sessions it does not know.
 */
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { ThreadDirectory } from './directory.ts';
import type { ThreadClient } from './thread-client.ts';

/** Bound of one rebuild round (the listing and the queries of that round). */
export const REBUILD_TIMEOUT_MS = 10_000;
/** Pauses between rounds that left threads missing: doubling from the first to the last, then staying there. */
export const REBUILD_RETRY_MS = { first: 1000, max: 30_000 } as const;

/** What one rebuild round did: the threads it loaded (or found gone) and those whose query failed. */
export interface RebuildReport {
  readonly loaded: readonly string[];
  readonly failed: ReadonlyArray<{ readonly frontKey: string; readonly error: unknown }>;
}

/** Lists the running threads and queries each one not in `skip` into the cache; one failing query fails only its thread. */
export async function rebuildDirectory(directory: ThreadDirectory, threads: ThreadClient, deadline: number, skip: ReadonlySet<string> = new Set()): Promise<RebuildReport> {
  const fronts = (await threads.listOpenThreads(deadline)).filter((front) => !skip.has(front));
  const outcomes = await Promise.all(
    fronts.map((frontKey) =>
      threads.thread(frontKey, deadline).then(
        (answer) => ({ frontKey, answer, error: undefined }),
        (error: unknown) => ({ frontKey, answer: undefined, error }),
      ),
    ),
  );
  const loaded: string[] = [];
  const failed: Array<{ frontKey: string; error: unknown }> = [];
  for (const { frontKey, answer, error } of outcomes) {
    if (answer === undefined || answer.stale) {
      failed.push({ frontKey, error: error ?? new Error('the thread changed while it was read; it is read again') });
      continue;
    }
    if (answer.kind === 'ok') directory.observe({ kind: 'thread-loaded', state: answer.value });
    loaded.push(frontKey);
  }
  return { loaded, failed };
}

/** Timings of a loader; the defaults are {@link REBUILD_TIMEOUT_MS} and {@link REBUILD_RETRY_MS}. */
export interface LoaderTimings {
  readonly rebuildTimeoutMs: number;
  readonly retryMs: { readonly first: number; readonly max: number };
}

/** Runs {@link rebuildDirectory} until every running thread is loaded or {@link stop} is called. One per plugin instance. */
export class DirectoryLoader {
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  readonly #loaded = new Set<string>();
  #firstAttemptDone: () => void = () => undefined;
  /** Resolves once the first rebuild round ended, whatever it loaded (or the loader stopped). */
  readonly firstAttempt: Promise<void> = new Promise((resolve) => (this.#firstAttemptDone = resolve));

  constructor(
    private readonly directory: ThreadDirectory,
    private readonly threads: ThreadClient,
    private readonly log: BridgeLogger,
    private readonly timings: LoaderTimings = { rebuildTimeoutMs: REBUILD_TIMEOUT_MS, retryMs: REBUILD_RETRY_MS },
  ) {}

  start(): void {
    this.#running = true;
    this.#attempt(true, this.timings.retryMs.first);
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#firstAttemptDone();
  }

  /** Only the first round is `loading` (decisions wait for it); later rounds run while decisions go on. */
  #attempt(first: boolean, nextPause: number): void {
    if (!this.#running) return;
    if (first) this.directory.observe({ kind: 'load', status: 'loading' });
    rebuildDirectory(this.directory, this.threads, Date.now() + this.timings.rebuildTimeoutMs, this.#loaded).then(
      (report) => {
        for (const front of report.loaded) this.#loaded.add(front);
        this.#firstAttemptDone();
        if (report.failed.length === 0) {
          this.directory.observe({ kind: 'load', status: 'ready' });
          this.log.info({ threads: this.#loaded.size }, 'orchestrator threads loaded from Temporal');
          return;
        }
        this.directory.observe({ kind: 'load', status: 'unloaded' });
        const failed = report.failed.map(({ frontKey, error }) => ({ frontKey, reason: error instanceof Error ? error.message : String(error) }));
        this.log.warn({ loaded: this.#loaded.size, failed, retryInMs: nextPause }, 'some orchestrator threads could not be loaded from Temporal; the others are in the cache, retrying the rest');
        this.#retry(nextPause);
      },
      (err: unknown) => {
        this.#firstAttemptDone();
        this.directory.observe({ kind: 'load', status: 'unloaded' });
        this.log.warn({ err, retryInMs: nextPause }, 'could not list the orchestrator threads in Temporal; retrying');
        this.#retry(nextPause);
      },
    );
  }

  #retry(pause: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => this.#attempt(false, Math.min(pause * 2, this.timings.retryMs.max)), pause);
  }
}
